"""The page `make serve` shows while a build fails, as a reader's browser draws it, in both schemes."""

from __future__ import annotations

import pytest

from briefing.problems import Problem, problem_page

pytestmark = pytest.mark.browser

PROBLEMS = [
    Problem(
        "docs/trade.md",
        12,
        5,
        "unknown figure 'trade.turnover_2O22' in figure()",
        "did you mean 'trade.turnover_2022'?",
    ),
    Problem(
        "data/" + "very-long-folder-name-without-any-break/" * 4 + "briefing.yml",
        340,
        None,
        "hand-typed number '999 billion' in figures.label of 'relationship.leader_meetings'",
    ),
]


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_build_problems_page_is_styled_and_readable(browser, scheme: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 844}, color_scheme=scheme)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.set_content(problem_page(PROBLEMS), wait_until="networkidle")
    shown = page.evaluate(
        """() => ({
            h1: document.querySelector('h1').innerText,
            h1Colour: getComputedStyle(document.querySelector('h1')).color,
            main: getComputedStyle(document.querySelector('main')).maxWidth,
            background: getComputedStyle(document.body).backgroundColor,
            text: getComputedStyle(document.body).color,
            hint: getComputedStyle(document.querySelector('.hint')).color,
            items: [...document.querySelectorAll('li')].map(item => item.innerText),
            overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        })"""
    )
    context.close()
    assert shown["h1"] == "The briefing did not build: 2 problems"
    assert shown["items"][0].startswith("docs/trade.md:12:5: unknown figure 'trade.turnover_2O22'")
    assert "did you mean 'trade.turnover_2022'?" in shown["items"][0]
    assert shown["main"] == "960px"
    # The 404 page's colours (tests/browser/test_hosting.py): one sheet for both standalone pages.
    assert shown["background"] == ("rgb(255, 255, 255)" if scheme == "light" else "rgb(30, 32, 41)")
    assert shown["h1Colour"] == ("rgb(170, 0, 0)" if scheme == "light" else "rgb(255, 138, 128)")
    assert shown["hint"] not in (shown["text"], shown["background"])
    assert shown["overflow"] <= 0, "a long path wraps instead of widening the page"
    assert requests == [], "the page loads no other file"
