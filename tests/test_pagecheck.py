"""The hand-typed-number check and the link finder, on small HTML and Markdown samples."""

from __future__ import annotations

from briefing.pagecheck import hand_typed_numbers, links_in


def tokens(html: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    return [number.token for number in hand_typed_numbers(html, allowed)]


def test_numbers_in_prose_are_flagged_with_context() -> None:
    found = hand_typed_numbers("<p>Trade was worth USD 999 billion in <em>2022</em>.</p>")
    assert [number.token for number in found] == ["999 billion", "2022"]
    assert "USD 999 billion in" in found[0].context


def test_text_from_macros_and_code_is_not_flagged() -> None:
    html = (
        '<p>Trade reached <span class="fig"><a class="fig__value">US$185 billion</a>'
        '<small class="fig__tip">2022: quote with 185</small></span> on <time datetime="2023-03-20">20 March 2023</time>, '
        '<a class="cite">VOV World, March 2023</a>, <code>x = 42</code>, <span class="from-data">version 1.0.0</span>.</p>'
        "<pre>123</pre>"
    )
    assert tokens(html) == []


def test_tail_text_after_a_skipped_element_is_still_checked() -> None:
    assert tokens('<p><span class="fig">US$185 billion</span> and then 77 more.</p>') == ["77"]


def test_numbers_in_every_form_readers_read_are_flagged() -> None:
    html = (
        "<p>Trade hit 186bn, or US$18bn more; up 26pc, 2x faster, the 21st time, a 1.5-fold rise; "
        "forty leaders, a dozen deals, a hundred ships, a billion people, the fourth round, a threefold rise.</p>"
    )
    assert tokens(html) == [
        "186bn",
        "US$18bn",
        "26pc",
        "2x",
        "21st",
        "1.5-fold",
        "forty",
        "dozen",
        "hundred",
        "billion",
        "fourth",
        "threefold",
    ]


def test_small_number_words_and_names_pass() -> None:
    assert (
        tokens("<p>The two leaders met for the first time; the second visit; one of them; the G20 and COVID-19.</p>")
        == []
    )


def test_numbers_in_attributes_readers_see_are_flagged() -> None:
    html = '<p><img alt="A chart of 999 billion" src="x.png"> <a href="x" title="up 42%">link</a> <abbr title="billion cubic metres">bcm</abbr></p>'
    assert tokens(html) == ["999 billion", "42%"]


def test_allowed_phrase_passes_as_a_whole() -> None:
    assert tokens("<p>Axis: billion cubic metres, but a billion more.</p>", frozenset({"billion cubic metres"})) == [
        "billion"
    ]


def test_names_with_digits_and_allowed_tokens_pass() -> None:
    assert tokens("<p>The G20 and the 4th estate met 24/7.</p>", frozenset({"24/7", "24", "7"})) == ["4th"]


def test_links_found_with_line_and_column_outside_code() -> None:
    source = '# T\n\nSee [energy](energy.md#gas) and [web](https://example.org).\n```\n[x](nope.md)\n```\n<a href="trade.md">t</a>\n'
    found = links_in(source)
    assert [(link.line, link.target) for link in found] == [(3, "energy.md#gas"), (7, "trade.md")]
    assert found[0].column == source.splitlines()[2].index("energy.md") + 1
