"""Ask the site's search box one question, the way a reader does, without racing the answers.

Material sends the box's value to its search worker on every key released. Typed key by key,
"15.5" asks four questions ("1", "15", "15.", "15.5"), and a test that reads the first result
as soon as one is visible can read the answer to "15". So the whole query goes in at once and
one key release (End) sends it: the only results ever shown are those for the full query.
"""

from __future__ import annotations

from playwright.sync_api import Locator, Page


def search_site(page: Page, query: str, *, timeout_ms: int = 10_000) -> Locator:
    """Open search with "/", ask ``query`` once, and return the first result's link once it is attached."""
    page.keyboard.press("/")
    box = page.locator("input.md-search__input")
    box.fill(query)
    box.press("End")
    first = page.locator(".md-search-result__item a").first
    first.wait_for(state="attached", timeout=timeout_ms)
    return first
