"""Nothing moves under the reader: cumulative layout shift under 0.05 on every page.

Measured as Lighthouse's phone profile sees a page: a 412×823 viewport on a slow
network (CDP ``Network.emulateNetworkConditions``: 150 ms latency, 1.6 Mbit/s down),
with a ``PerformanceObserver`` for ``layout-shift`` entries installed before the page's
first byte. The slow network matters: on a fast one, a late font or style often
arrives before the first paint and the shift comes and goes with timing. Swapping in
the web font after the first paint used to re-wrap every line (0.4 on Home).
"""

from __future__ import annotations

import pytest

from tests.conftest import nav_pages, page_path

pytestmark = pytest.mark.browser

PAGES = nav_pages()
CLS_LIMIT = 0.05
SLOW_PHONE_NETWORK = {"offline": False, "latency": 150, "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 750e3 / 8}
RECORD_SHIFTS = """
window.__shifts = [];
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) {
    if (entry.hadRecentInput) continue;
    window.__shifts.push({value: entry.value, at: Math.round(entry.startTime),
      moved: entry.sources.map(source => source.node ? (source.node.nodeName + '.' + (source.node.className || '')) : '?')});
  }
}).observe({type: 'layout-shift', buffered: true});
"""


def load_slowly(browser, url: str):
    """A page at the phone viewport on a throttled network, recording layout shifts; return (context, page)."""
    context = browser.new_context(viewport={"width": 412, "height": 823})
    context.add_init_script(RECORD_SHIFTS)
    page = context.new_page()
    session = context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.emulateNetworkConditions", SLOW_PHONE_NETWORK)
    page.goto(url, wait_until="load")
    page.wait_for_timeout(1000)  # late fonts and scripts land after load
    return context, page


@pytest.mark.parametrize("src", PAGES)
def test_page_does_not_move_while_it_loads(browser, site_url: str, src: str) -> None:
    context, page = load_slowly(browser, site_url + page_path(src))
    shifts = page.evaluate("window.__shifts")
    context.close()
    total = sum(shift["value"] for shift in shifts)
    print(f"{src}: CLS {total:.4f}")
    assert total < CLS_LIMIT, shifts


def test_the_observer_sees_a_shift(browser, site_url: str) -> None:
    """Control: content pushed down after load is recorded, so a quiet page is really quiet."""
    context, page = load_slowly(browser, site_url + "trade/")
    page.evaluate("""() => { const block = document.createElement('div'); block.style.height = '300px';
                             document.querySelector('article').prepend(block); }""")
    page.wait_for_timeout(300)
    shifts = page.evaluate("window.__shifts")
    context.close()
    assert sum(shift["value"] for shift in shifts) > CLS_LIMIT
