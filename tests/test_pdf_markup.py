"""The print rewrites of briefing/pdf_markup.py, on small pieces of markup."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from briefing import pdf_markup
from briefing.addresses import is_public_address


def figure(value: str, label: str, quote: str, tip_id: str) -> str:
    """A figure as the site writes it: the value and its evidence (the tip)."""
    return (
        f'<span class="fig"><a class="fig__value" href="#k">{value}</a><small class="fig__tip" id="{tip_id}">'
        f'<span class="fig__label">{label}</span> <span class="fig__period">(2022).</span> '
        f'<span class="fig__source">Source: S:</span> <q class="fig__quote">{quote}</q></small></span>'
    )


def article(body: str) -> lxml_html.HtmlElement:
    return lxml_html.fragment_fromstring(f"<article>{body}</article>")


def text_with_markers(element: lxml_html.HtmlElement) -> str:
    """The text as printed: a note shows as [n], a reference to a note as [n]."""
    for tip in element.xpath('.//*[contains(@class, "fig__tip")]'):
        tip.text, tip.tail = f"[{tip.get('data-note')}]", tip.tail
        for child in list(tip):
            tip.remove(child)
    for reference in element.xpath('.//a[contains(@class, "fig__noteref")]'):
        reference.text = f"[{reference.get('data-note')}]"
    return element.text_content()


@pytest.mark.parametrize(
    ("after", "printed"),
    [
        (" cooperation documents, according to", "10 cooperation documents,[1] according to"),
        (" cooperation documents during the visit. They", "10 cooperation documents during the visit.[1] They"),
        (" units of the Tianwan Nuclear Power Plant; and", "10 units of the Tianwan Nuclear Power Plant;[1] and"),
        (" units of the Tianwan plant and one reactor", "10 units of the Tianwan plant[1] and one reactor"),
        (" fast neutron reactors were under construction", "10 fast neutron reactors[1] were under construction"),
        (" times.", "10 times.[1]"),
        (" times", "10 times[1]"),
        (", the source says", "10,[1] the source says"),
        (".", "10.[1]"),
        (" and more", "10 and more[1]"),
        (" documents in 2023", "10 documents[1] in 2023"),
        (
            " fast neutron reactors built by Russian engineers in the north.",
            "10 fast neutron reactors built by Russian engineers in the north.[1]",
        ),
        (" of the 4 units were built", "10 of the 4 units[1] were built"),
        ("th time, they met", "10th time,[1] they met"),
        (" " + " ".join(["word"] * 45) + ".", "10 word[1] word word"),
    ],
)
def test_marker_after_a_number_ends_its_phrase(after: str, printed: str) -> None:
    """Never "10²" (a power), never inside the phrase ("1 fast² neutron reactor", seen in the PDF)."""
    page = article(f"<p>Sign {figure('10', 'Documents', 'Ten.', 't1')}{after}</p>")
    pdf_markup.set_notes(page)
    assert printed in text_with_markers(page)


@pytest.mark.parametrize(
    ("before", "value", "after", "printed"),
    [
        # an abbreviation counts as one word of the phrase
        ("and ", "1", " <abbr title='x'>CEFR</abbr> fast reactor were built", "1 CEFR fast reactor[1] were built"),
        # seen in the PDF: "a 3rd¹ presidential term" split the phrase
        ("re-elected for a ", "3rd", " presidential term. The two", "a 3rd presidential term.[1] The two"),
        # the figure ends its bold: the phrase goes on after it
        ("to sign <strong>", "10", "</strong> cooperation documents, then", "sign 10 cooperation documents,[1] then"),
        # a value ending in a word keeps its marker
        ("reached ", "US$185 billion", " in 2022", "US$185 billion[1] in 2022"),
    ],
)
def test_marker_placement_around_inline_markup(before: str, value: str, after: str, printed: str) -> None:
    page = article(f"<p>{before}{figure(value, 'Label', 'Quote.', 't1')}{after}</p>")
    pdf_markup.set_notes(page)
    assert printed in text_with_markers(page)


def test_one_sentence_behind_two_figures_is_one_note() -> None:
    page = article(
        f"<p>{figure('US$185 billion', 'Trade 2022', 'Same.', 't1')} and "
        f"{figure('US$200 billion', 'Goal 2024', 'Same.', 't2')}, and "
        f"{figure('40', 'Meetings', 'Other.', 't3')} times.</p>"
    )
    assert pdf_markup.set_notes(page) == 2
    tips = page.xpath('.//*[contains(@class, "fig__tip")]')
    assert [tip.get("data-note") for tip in tips] == ["1", "2"]
    assert " ".join(tips[0].text_content().split()).startswith("Trade 2022 (2022); Goal 2024 (2022). Source: S:")
    reference = page.xpath('.//a[contains(@class, "fig__noteref")]')[0]
    assert reference.get("href") == "#t1" and reference.get("data-note") == "1"
    assert "US$185 billion[1] and US$200 billion,[1] and 40 times.[2]" in text_with_markers(page)


def test_a_figure_referenced_again_is_named_once_in_its_note() -> None:
    """One figure cited 500 times gives a one-line note and 499 references to it, not 500 names."""
    page = article("".join(f"<p>{figure('10', 'Documents', 'Ten.', f't{n}')} times.</p>" for n in range(500)))
    assert pdf_markup.set_notes(page) == 1
    tips = page.xpath('.//*[contains(@class, "fig__tip")]')
    assert len(tips) == 1
    assert " ".join(tips[0].text_content().split()) == "Documents (2022). Source: S: Ten."
    assert len(page.xpath('.//a[contains(@class, "fig__noteref")]')) == 499


def test_table_headers_get_scope_and_an_empty_header_row_gives_way_to_row_headers() -> None:
    page = article(
        "<table><thead><tr><th></th><th></th></tr></thead><tbody><tr><td>Version</td><td>1</td></tr>"
        "</tbody></table><table><thead><tr><th>A</th><th>B</th></tr></thead>"
        "<tbody><tr><th>r</th><td>1</td></tr></tbody></table>"
    )
    pdf_markup.scope_table_headers(page)
    first, second = page.iter("table")
    assert first.find("thead") is None
    assert [(cell.tag, cell.get("scope")) for cell in first.iter("th", "td")] == [("th", "row"), ("td", None)]
    assert [cell.get("scope") for cell in second.iter("th")] == ["col", "col", "row"]


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("https://briefing-desk.github.io/xi-russia-2023/", True),
        ("https://www.vovworld.vn/en-US/news/1.html", True),
        ("https://example.org/briefings/xi-russia-2023/", False),
        ("https://www.example.com/", False),
        ("http://localhost:8000/", False),
        ("http://127.0.0.1:8000/", False),
        ("https://briefing.test/", False),
        ("ftp://files.briefing-desk.eu/", False),
        ("", False),
        (None, False),
    ],
)
def test_is_public_address(address: str | None, public: bool) -> None:
    assert is_public_address(address) is public


def test_an_address_wraps_after_slashes_never_at_its_hyphens() -> None:
    link = lxml_html.fragment_fromstring('<p><a href="x">the PDF</a> here</p>')[0]
    pdf_markup.append_address(link, "https://briefing-desk.github.io/xi-russia-2023/downloads/briefing.pdf")
    printed = link.getnext()
    assert printed.text_content() == " (https://briefing-desk.github.io/xi-russia-2023/downloads/briefing.pdf)"
    assert printed.tail == " here"
    unbroken = [span.text for span in printed.iter("span") if span.get("class") == "address__unbroken"]
    assert unbroken == ["briefing-desk.", "xi-russia-2023/"]
    assert len(list(printed.iter("wbr"))) >= 6


def popover_figure(value: str, label: str, quote: str, tip_id: str) -> str:
    """A figure in the popover markup (a button opening the evidence, lines as spans, links)."""
    return (
        f'<span class="fig" data-figure="x"><button type="button" class="fig__value" popovertarget="{tip_id}">'
        f'{value}</button><small class="fig__tip pop" id="{tip_id}" popover data-search-exclude>'
        f'<span class="fig__line fig__head"><span class="fig__label">{label}</span> '
        f'<span class="fig__period">(2022).</span></span> <span class="fig__line fig__source">Source: S:</span> '
        f'<q class="fig__line fig__quote">{quote}</q> <span class="fig__line fig__links">'
        f'<a href="../sources/#s">The source</a> · <a href="../key-figures/#x">Key figures entry</a></span>'
        f"</small></span>"
    )


def test_popover_markup_gives_the_same_notes() -> None:
    """The site's figure markup may change (a button, lines, links in the popover): print still gets its notes."""
    page = article(
        f"<p>Sign {popover_figure('10', 'Documents', 'Same.', 't1')} documents and "
        f"{popover_figure('2030', 'Horizon', 'Same.', 't2')}.</p>"
    )
    pdf_markup.figure_values_as_text(page)
    for links in page.xpath('.//*[contains(@class, "fig__links")]'):
        links.drop_tree()  # pdf.py strips it as screen-only
    assert pdf_markup.set_notes(page) == 1
    assert not page.xpath(".//button")
    assert [value.tag for value in page.xpath('.//*[contains(@class, "fig__value")]')] == ["span", "span"]
    assert "Sign 10 documents[1] and 2030.[1]" in text_with_markers(page)


def test_column_widths_follow_the_content() -> None:
    """Short columns get what they hold; a column of sentences takes the rest; a small table is not stretched."""
    sentence = "The article describes relations between the two countries as reaching a new level, with cooperation."
    columns = [["Figure", "Row 1 of chapter 1"], ["Value", "10"], ["Period", "2022"], ["Source", sentence]]
    widths = pdf_markup.column_widths(columns)
    assert abs(sum(widths) - 100) < 0.1
    assert widths[3] > 60 and widths[1] < 10
    assert pdf_markup.table_share(columns) == 100
    assert pdf_markup.table_share([["Version", "Last updated"], ["1.0.0", "27 November 2026"]]) < 50


def test_tables_get_fixed_columns_unless_the_stylesheet_sets_them() -> None:
    page = article(
        "<table><thead><tr><th>A</th><th>B</th></tr></thead><tbody><tr><td>x</td><td>y</td></tr></tbody></table>"
        '<table class="key-figures"><tr><td>x</td><td>y</td></tr></table>'
    )
    pdf_markup.set_table_columns(page)
    plain, styled = page.iter("table")
    assert "table--fixed" in plain.get("class") and len(plain.find("colgroup")) == 2
    assert styled.find("colgroup") is None


# ---------------------------------------------------------------------------
# Plain spans


def test_styled_classes_come_from_selectors_only() -> None:
    css = """/* .in-a-comment is not a selector */
    @page { @top-left { content: ".not-a-class"; } }
    .fig__label, table.key-figures td { font-weight: 600; }
    a.xref::after { content: " (p. 1)"; }"""
    assert pdf_markup.styled_classes(css) == {"fig__label", "key-figures", "xref"}


def test_plain_spans_are_unwrapped_and_their_text_stays() -> None:
    body = (
        '<p>Trade <span class="fig" data-figure="t.x"><span class="fig__value">US$1</span>'
        '<small class="fig__tip" id="tip-1" data-note="1"><span class="fig__line fig__head">'
        '<span class="fig__label">Turnover</span> <span class="fig__period">(2022).</span></span> '
        '<span class="fig__line fig__source">Source: <a class="cite" href="#s">S</a>:</span> '
        '<q class="fig__line fig__quote">Words.</q></small></span> rose. <span lang="ru">Да</span> '
        '<span id="kept">x</span> <span aria-label="y">z</span></p>'
    )
    element = article(body)
    text = element.text_content()
    dropped = pdf_markup.unwrap_plain_spans(element, frozenset({"fig__label", "fig__value", "fig__quote"}))
    assert element.text_content() == text
    assert dropped == 4  # fig, fig__head, fig__period, fig__source
    spans = [span.get("class") or span.get("lang") or span.get("id") or "aria" for span in element.iter("span")]
    assert spans == ["fig__value", "fig__label", "ru", "kept", "aria"]
    tip = element.xpath('//small[@id="tip-1"]')[0]
    assert [child.tag for child in tip] == ["span", "a", "q"]  # the label, the source link, the quote
