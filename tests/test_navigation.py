"""Nav order and where MkDocs writes pages, shared by the site glue, the PDF, the bench and tests."""

from __future__ import annotations

from briefing.navigation import built_file, nav_entries, page_url


def test_nav_entries_keep_order_and_top_level_section_and_skip_links_out() -> None:
    nav = [
        "index.md",
        {"Topics": [{"Trade": "trade.md"}, {"Deeper": [{"Gas": "energy/gas.md"}]}]},
        {"Web": "https://example.org/"},
    ]
    entries = nav_entries(nav)
    assert [(entry.section, entry.title, entry.src) for entry in entries] == [
        (None, "", "index.md"),
        ("Topics", "Trade", "trade.md"),
        ("Topics", "Gas", "energy/gas.md"),
    ]


def test_urls_and_files_as_mkdocs_writes_them() -> None:
    assert (page_url("index.md"), built_file("index.md")) == ("", "index.html")
    assert (page_url("trade.md"), built_file("trade.md")) == ("trade/", "trade/index.html")
    assert (page_url("energy/index.md"), built_file("energy/README.md")) == ("energy/", "energy/index.html")
    assert (page_url("trade.md", False), built_file("trade.md", False)) == ("trade.html", "trade.html")
