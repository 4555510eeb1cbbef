"""Figure popovers and the page head's Cite popover, as a reader uses them in Chromium.

For every figure on every page, at a phone and a desktop width, in both colour
schemes: keyboard focus opens its popover, which lies inside the viewport, is
opaque and is not faded by any ancestor; Escape closes it and gives focus back;
a tap opens it and a second tap closes it; nothing scrolls sideways meanwhile.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefing.navigation import built_file
from tests.conftest import nav_pages, page_path

pytestmark = pytest.mark.browser

PAGES = nav_pages()
WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}

# What the reader sees of the popover controlled by the i-th figure button of the article.
POPOVER_STATE = """(index) => {
  const button = document.querySelectorAll('article .fig__value')[index];
  const pop = document.getElementById(button.getAttribute('aria-controls'));
  const box = pop.getBoundingClientRect();
  const width = document.documentElement.clientWidth, height = document.documentElement.clientHeight;
  const faded = [];
  for (let element = pop; element; element = element.parentElement) {
    if (getComputedStyle(element).opacity !== '1') faded.push(element.tagName + '.' + element.className);
  }
  const centre = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  return {
    figure: button.closest('.fig').dataset.figure,
    open: pop.matches(':popover-open'),
    expanded: button.getAttribute('aria-expanded'),
    focused: document.activeElement === button,
    box: [Math.round(box.left), Math.round(box.top), Math.round(box.right), Math.round(box.bottom)],
    inside: box.width > 0 && box.height > 0 && box.left >= 0 && box.top >= 0 && box.right <= width && box.bottom <= height,
    on_top: centre !== null && pop.contains(centre),
    background: getComputedStyle(pop).backgroundColor,
    faded: faded,
    sideways: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    label: (pop.querySelector('.fig__label') || {}).textContent || '',
    period: (pop.querySelector('.fig__period') || {}).textContent || '',
    evidence: (pop.querySelector('.fig__quote, .fig__formula') || {}).textContent || '',
    entry: [...pop.querySelectorAll('a')].map(link => link.getAttribute('href')).filter(href => href.includes('key-figures/#')),
  };
}"""


def opaque(colour: str) -> bool:
    """Whether a computed CSS colour has no transparency."""
    if colour.startswith("rgb("):
        return True
    if colour.startswith("rgba("):
        return float(colour.rstrip(")").split(",")[-1]) == 1.0
    return False


def problems_of(state: dict, step: str) -> list[str]:
    """What is wrong with an open popover, as readable lines."""
    where = f"{state['figure']} ({step})"
    found = []
    if not state["open"] or state["expanded"] != "true":
        found.append(f"{where}: not open (open={state['open']}, aria-expanded={state['expanded']})")
        return found
    if not state["inside"]:
        found.append(f"{where}: box {state['box']} not inside the viewport")
    if not state["on_top"]:
        found.append(f"{where}: something covers the popover")
    if not opaque(state["background"]):
        found.append(f"{where}: background {state['background']} is not opaque")
    if state["faded"]:
        found.append(f"{where}: faded by {state['faded']}")
    if state["sideways"] > 0:
        found.append(f"{where}: the page scrolls sideways by {state['sideways']} px")
    if not (state["label"].strip() and state["period"].strip() and state["evidence"].strip()):
        found.append(f"{where}: label, period or evidence missing")
    if not any(href.endswith("#" + state["figure"]) for href in state["entry"]):
        found.append(f"{where}: no link to its Key figures entry ({state['entry']})")
    return found


@pytest.fixture(params=sorted(WIDTHS), scope="module")
def width_name(request) -> str:
    return request.param


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_figure_popover_opens_inside_the_viewport_and_closes(
    browser, site_url: str, published_site: Path, width_name: str, scheme: str
) -> None:
    width, height = WIDTHS[width_name]
    phone = width_name == "phone"
    context = browser.new_context(
        viewport={"width": width, "height": height},
        color_scheme=scheme,
        is_mobile=phone,
        has_touch=True,
        device_scale_factor=2 if phone else 1,
    )
    page = context.new_page()
    problems: list[str] = []
    checked = 0
    for src in PAGES:
        page.goto(site_url + page_path(src), wait_until="networkidle")
        buttons = page.locator("article .fig__value")
        for index in range(buttons.count()):
            button = buttons.nth(index)
            button.scroll_into_view_if_needed()
            # Keyboard focus opens it; Escape closes it and leaves focus on the figure.
            button.focus()
            problems += problems_of(page.evaluate(POPOVER_STATE, index), "focus")
            page.keyboard.press("Escape")
            state = page.evaluate(POPOVER_STATE, index)
            if state["open"] or state["expanded"] != "false" or not state["focused"]:
                problems.append(
                    f"{state['figure']}: Escape left open={state['open']}, focus on figure={state['focused']}"
                )
            # A tap opens it, a second tap closes it.
            button.tap()
            problems += problems_of(page.evaluate(POPOVER_STATE, index), "tap")
            button.tap()
            state = page.evaluate(POPOVER_STATE, index)
            if state["open"]:
                problems.append(f"{state['figure']}: a second tap left it open")
            page.keyboard.press("Escape")
            checked += 1
    context.close()
    built = sum(
        (published_site / built_file(src)).read_text(encoding="utf-8").count('class="fig__value"') for src in PAGES
    )
    assert checked == built > 20, "every figure the build wrote was tried"
    assert problems == [], "\n".join(problems[:30])


@pytest.mark.parametrize("width", [320, 1920])
def test_popovers_fit_the_narrowest_and_widest_screens(browser, site_url: str, width: int) -> None:
    """The issue's range: every figure's popover on Home and Trade stays inside a 320 px and a 1920 px viewport."""
    context = browser.new_context(viewport={"width": width, "height": 700 if width == 320 else 1080}, has_touch=True)
    page = context.new_page()
    problems: list[str] = []
    for path in ("", "trade/"):
        page.goto(site_url + path, wait_until="networkidle")
        buttons = page.locator("article .fig__value")
        for index in range(buttons.count()):
            buttons.nth(index).scroll_into_view_if_needed()
            buttons.nth(index).focus()
            problems += problems_of(page.evaluate(POPOVER_STATE, index), f"{width} px")
            page.keyboard.press("Escape")
    context.close()
    assert problems == [], "\n".join(problems[:30])


def test_hover_opens_tap_outside_closes_and_focus_moves_into_the_popover(browser, site_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, has_touch=True)
    page = context.new_page()
    page.goto(site_url + "trade/", wait_until="networkidle")
    button = page.locator("article .fig__value").first
    pop = page.locator("#" + button.get_attribute("aria-controls"))
    assert not pop.is_visible()
    button.hover()
    pop.wait_for(state="visible", timeout=2000)
    # The pointer can travel from the figure into the popover without it closing (WCAG 1.4.13).
    pop.hover()
    page.wait_for_timeout(600)
    assert pop.is_visible()
    page.mouse.move(5, 890)
    pop.wait_for(state="hidden", timeout=2000)
    # A tap on the popover's own text leaves it open (to read or select the quote); one elsewhere closes it.
    button.tap()
    assert pop.is_visible()
    pop.locator(".fig__quote").tap()
    page.wait_for_timeout(100)
    assert pop.is_visible()
    page.locator("article h1").tap()
    assert not pop.is_visible()
    # Keyboard: from the figure, Tab reaches the popover's links; Escape from there returns to the figure.
    button.focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.pop') !== null")
    assert pop.is_visible()
    page.keyboard.press("Escape")
    assert not pop.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('fig__value')")
    context.close()


def test_cite_button_opens_the_citation(browser, site_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(site_url + "energy/", wait_until="networkidle")
    cite = page.get_by_role("button", name="Cite")
    cite.tap()
    pop = page.locator("#cite-this")
    assert pop.is_visible()
    assert "Cite this briefing" in pop.inner_text() and "BibTeX" in pop.inner_text()
    box = pop.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    page.keyboard.press("Escape")
    assert not pop.is_visible()
    pdf = page.get_by_role("link", name="PDF of the briefing")
    assert pdf.get_attribute("href").endswith("downloads/briefing.pdf")
    context.close()


def test_without_javascript_the_page_reads_as_text_and_the_source_is_one_tap_away(browser, site_url: str) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, java_script_enabled=False
    )
    page = context.new_page()
    page.goto(site_url + "trade/", wait_until="load")
    article = page.locator("article").inner_text()
    # The sentence reads on, with no popover text inside it.
    assert "reached a record US$185 billion in 2022" in " ".join(article.split())
    assert "Key figures entry" not in article
    button = page.locator("article .fig__value").first
    pop = page.locator("#" + button.get_attribute("popovertarget"))
    button.tap()
    assert pop.is_visible()
    box = pop.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390 and box["y"] + box["height"] <= 844
    assert "Source:" in pop.inner_text()
    page.keyboard.press("Escape")
    assert not pop.is_visible()
    context.close()


def test_popover_text_stays_out_of_the_search_index(published_site: Path) -> None:
    index = json.loads((published_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    text = " ".join(document["title"] + " " + document["text"] for document in index["docs"])
    assert "Trade and the economy" in text  # control: the index holds the pages
    for marker in ("Key figures entry", "Cite this briefing", "PDF of the briefing"):
        assert marker not in text, marker


def test_key_figures_evidence_fits_a_phone(browser, site_url: str) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    page = context.new_page()
    page.goto(site_url + "key-figures/", wait_until="networkidle")
    outside = page.evaluate("""() => {
      const width = document.documentElement.clientWidth;
      const rows = [...document.querySelectorAll('table.key-figures tbody tr')];
      const bad = [];
      for (const row of rows) {
        const evidence = row.querySelector('q, .key-figures__evidence');
        const box = evidence.getBoundingClientRect();
        if (box.left < 0 || box.right > width || box.width < width / 2) bad.push(row.id + ' ' + JSON.stringify(box));
      }
      for (const element of document.querySelectorAll('article *')) {
        const hidden = element.clientWidth <= 1;  // the visually hidden column heads
        if (!hidden && element.scrollWidth > element.clientWidth + 1 && getComputedStyle(element).overflowX !== 'visible') bad.push('scroller ' + element.tagName + '.' + element.className);
      }
      return {rows: rows.length, bad: bad, shownIds: rows.filter(row => row.innerText.includes(row.id)).map(row => row.id)};
    }""")
    context.close()
    assert outside["rows"] >= 20
    assert outside["bad"] == []
    assert outside["shownIds"] == [], "internal ids shown to readers"


@pytest.mark.parametrize("width", [390, 768, 1280, 1920])
def test_reference_table_cells_never_spill_into_the_next(browser, site_url: str, width: int) -> None:
    """A long value such as "15.5 billion cubic metres" wraps in its column, never over the period."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    spilled = []
    for path in ("key-figures/", "timeline/", "people/"):
        page.goto(site_url + path, wait_until="networkidle")
        spilled += page.evaluate(
            """(path) => {
          const bad = [];
          for (const cell of document.querySelectorAll('article td, article th')) {
            if (cell.clientWidth <= 1) continue;  // visually hidden column heads
            const box = cell.getBoundingClientRect();
            for (const child of cell.querySelectorAll('*')) {
              const inner = child.getBoundingClientRect();
              if (inner.width && (inner.right > box.right + 1 || inner.left < box.left - 1)) {
                bad.push(path + ' ' + (cell.closest('tr').id || '') + ': ' + child.textContent.trim().slice(0, 40));
              }
            }
          }
          return bad;
        }""",
            path,
        )
    context.close()
    assert spilled == []
