"""The renderer on its own: escaping, located unknown ids, placeholders, links."""

from __future__ import annotations

from briefing.entries import Person
from briefing.render import relative_href
from tests.support.rendering import renderer


def test_text_from_data_is_escaped_even_if_validation_was_bypassed() -> None:
    subject = renderer()
    subject.data.people["evil"] = Person(
        passage="p", name="<script>alert(1)</script>", role="<b>x</b>", source="vovworld-2023-03", quote="q"
    )
    subject.begin_page("about.md", "{{ person('evil') }}")
    markup = str(subject.person("evil"))
    assert "<script>" not in markup and "<b>" not in markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup


def test_unknown_id_is_located_in_the_page_source_with_a_suggestion() -> None:
    subject = renderer()
    source = (
        "---\ntitle: T\n---\n\nText {{ figure('trade.turnover_2022') }} and\n{{ figure(\"trade.turnovr_2022\") }}.\n"
    )
    subject.begin_page("trade.md", source)
    subject.figure("trade.turnovr_2022")
    [problem] = list(subject.problems)
    assert (problem.path, problem.line, problem.column) == ("docs/trade.md", 6, source.splitlines()[5].index('"') + 1)
    assert "did you mean 'trade.turnover_2022'" in problem.hint


def test_macros_leave_a_token_that_expands_to_their_markup() -> None:
    subject = renderer()
    subject.begin_page("trade.md", "")
    figure = subject.macros()["figure"]
    token = figure("trade.turnover_2022")
    assert "<" not in token
    html = subject.expand(f"<p>Trade reached {token}.</p>")
    assert 'data-figure="trade.turnover_2022"' in html and html.startswith("<p>Trade reached <span")
    block = subject.macros()["timeline"]()
    assert subject.expand(f"<p>{block}</p>").startswith("<ol")


def test_each_use_of_a_figure_gets_its_own_tooltip_id() -> None:
    subject = renderer()
    subject.begin_page("trade.md", "")
    first, second = str(subject.figure("trade.turnover_2022")), str(subject.figure("trade.turnover_2022"))
    assert 'id="fig-tip-1"' in first and 'id="fig-tip-2"' in second


def test_relative_links_between_pages() -> None:
    assert relative_href("", "key-figures/", "trade.turnover_2022") == "key-figures/#trade.turnover_2022"
    assert relative_href("trade/", "key-figures/", "x") == "../key-figures/#x"
    assert relative_href("trade/", "downloads/briefing.pdf") == "../downloads/briefing.pdf"
    assert relative_href("trade/", "trade/") == "./"


def test_tokens_written_in_text_are_not_macro_output() -> None:
    """Issue 17: page text could forge a placeholder (another macro's output) or crash the build."""
    subject = renderer()
    subject.begin_page("trade.md", "")
    token = subject.macros()["figure"]("trade.turnover_2022")
    forged = "BRIEFINGMACRO0X BRIEFINGMACRO999X " + token.replace(subject.token_prefix, "BRIEFINGMACRO")
    html = subject.expand(f"<p>{forged} and {token}</p>")
    assert html.count('data-figure="trade.turnover_2022"') == 1
    assert "BRIEFINGMACRO0X BRIEFINGMACRO999X" in html
    assert list(subject.problems) == []
    assert renderer().token_prefix != subject.token_prefix, "a new nonce per build"


def test_a_macro_output_that_does_not_come_back_is_a_problem() -> None:
    subject = renderer()
    subject.begin_page("trade.md", "")
    figure = subject.macros()["figure"]
    figure("trade.turnover_2022")
    kept = figure("trade.turnover_2022")
    subject.expand(f"<p>{kept}</p>")
    [problem] = list(subject.problems)
    assert problem.path == "docs/trade.md" and "1 macro output(s) did not reach the page" in problem.message


def test_deferred_figures_give_search_only_their_text_and_the_page_the_same_markup() -> None:
    from material.plugins.search.plugin import Parser

    def indexed(html: str) -> list[str]:
        parser = Parser()
        parser.feed(html)
        parser.close()
        return ["".join(section.text) for section in parser.data]

    plain, deferring = renderer(), renderer()
    deferring.defer_figures = True
    pages = []
    for subject in (plain, deferring):
        subject.begin_page("trade.md", "")
        macros = subject.macros()
        tokens = [
            macros["figure"]("trade.turnover_2022"),
            macros["derived"]("trade.target_share_2022"),
            macros["figure"]("trade.turnover_2022"),
        ]
        pages.append(subject.expand("<p>Trade reached {} ({}), again {}.</p>".format(*tokens)))
    full, deferred = pages
    assert 'class="fig__tip"' not in deferred and "US$185 billion" in deferred
    assert indexed(deferred) == indexed(full)  # what search sees is the same
    assert deferring.insert_figures(deferred, deferring.page.figures) == full  # what is written is the same
    assert deferring.deferred_view(deferred).count('<span class="fig"></span>') == 3  # what the checks see
    # A comment written in page text cannot stand in for a figure: the marker is random per build.
    forged = "<p><!--briefing-figure-0000000000000000-1-->x<!--briefing-figure-0000000000000000--></p>"
    assert deferring.insert_figures(forged, deferring.page.figures) == forged


def test_a_derived_value_and_its_badge_never_part_at_a_line_end() -> None:
    """Seen in the PDF: "about US$26.7 billion" ended a line and "DERIVED" began the next."""
    subject = renderer()
    subject.begin_page("trade.md", "")
    markup = str(subject.derived("trade.target_share_2022"))
    assert '</button>&nbsp;<span class="fig__badge">derived</span>' in markup
