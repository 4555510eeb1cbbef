"""Evidence that can't be fooled: each planted mistake fails with ONE located message saying what to do.

The mistakes are those a careful editor made in copies of the project (issue 13):
a figure bound to another number of its sentence, a currency or unit its words
do not state, a dropped or invented qualifier, a fragment as evidence, an
edited source text, numbers typed by hand wherever readers see them, macros in
code, template and YAML errors. Each case asserts that the build reports
exactly one problem, at the expected ``file:line``, with a hint, and that
``docs/`` and ``data/`` are unchanged.

Data-file cases load the data in process (the build is not the point); one
test plants several of them together in a full build, to show the pages add
no follow-on message. Page cases run the real build in process.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefing.data import load_briefing
from briefing.publish import publish
from briefing.quotes import text_sha256
from tests.conftest import allowed_numbers, build_in_process, line_of
from tests.support.planting import DATA, Case, Plant, data_edit, edit, page_edit, tree_digest

CITE = "## How to cite\n"


def in_about(text: str, locate: str) -> Plant:
    return page_edit("about.md", CITE, f"{CITE}\n{text}\n", locate)


def plant_edited_source(project: Path) -> tuple[str, int]:
    source = project / "data" / "sources" / "vovworld-2023-03-xi-state-visit-to-russia.txt"
    source.write_text(
        source.read_text(encoding="utf-8").replace("185 billion USD", "186 billion USD"), encoding="utf-8"
    )
    text = (project / DATA).read_text(encoding="utf-8")
    return DATA, line_of(text, "    sha256:")


def plant_mixed_currencies(project: Path) -> tuple[str, int]:
    sentence = "Exports from Russia to the European Union reached 40 billion EUR last year, the ministry said."
    source_text = f"EU trade\n\n{sentence}\n"
    (project / "data" / "sources" / "eu-trade.txt").write_text(source_text, encoding="utf-8")
    edit(
        project,
        DATA,
        "\npassages:\n",
        (
            "\n  eu-trade:\n    title: EU trade\n    publisher: Ministry\n    author: Ministry\n    published: 2023-03\n"
            "    published_label: March 2023\n    text: sources/eu-trade.txt\n"
            f"    sha256: {text_sha256(source_text.encode())}\n    short: Ministry, March 2023\n"
            f"\npassages:\n  eu-exports:\n    source: eu-trade\n    text: {sentence}\n"
        ),
    )
    edit(
        project,
        DATA,
        "\nderived:\n",
        (
            "\n  trade.eu_exports_2022:\n    label: Exports to the EU\n    value: 40\n    unit: currency\n    currency: EUR\n"
            "    scale: billion\n    period: '2022'\n    passage: eu-exports\n    states: 40 billion EUR\n\nderived:\n"
        ),
    )
    text = edit(
        project,
        DATA,
        "\nevents:\n",
        (
            "\n  trade.with_eu_2022:\n    label: Turnover with China and exports to the EU\n"
            "    formula: trade.turnover_2022 + trade.eu_exports_2022\n    period: '2022'\n\nevents:\n"
        ),
    )
    edit(
        project,
        "docs/about.md",
        CITE,
        f"{CITE}\n{{{{ figure('trade.eu_exports_2022') }}}}, {{{{ derived('trade.with_eu_2022') }}}}, {{{{ cite('eu-trade') }}}}.\n",
    )
    return DATA, line_of(text, "formula: trade.turnover_2022 + trade.eu_exports_2022")


DATA_CASES = [
    Case(
        "[sic] for words the passage does not have",
        data_edit(("    sic: [cross-boder]\n", "    sic: [cross-border]\n"), locate="    sic: [cross-border]"),
        "passage 'military-2022' marks 'cross-border' [sic], but its text does not have it as whole words",
    ),
    Case(
        "the same slip marked twice",
        data_edit(
            ("    sic: [cross-boder]\n", "    sic: [cross-boder, cross-boder]\n"),
            locate="    sic: [cross-boder, cross-boder]",
        ),
        "passage 'military-2022' marks 'cross-boder' [sic] twice",
    ),
    Case(
        "goal's number from the same sentence",
        data_edit(("    value: 185\n", "    value: 200\n"), locate="    value: 200"),
        "'trade.turnover_2022' has value 200 billion, but its words 'a record 185 billion USD' state 185 billion",
    ),
    Case(
        "currency the quote does not state",
        data_edit(
            (
                '    currency: USD\n    scale: billion\n    period: "2022"',
                '    currency: EUR\n    scale: billion\n    period: "2022"',
            ),
            locate="    currency: EUR",
        ),
        "'trade.turnover_2022' has currency EUR, but its words 'a record 185 billion USD' state USD",
    ),
    Case(
        "another figure's number as evidence",
        data_edit(
            ("    value: 40\n", "    value: 10\n"),
            (
                "    passage: leader-meetings\n    states: met about 40 times",
                "    passage: documents\n    states: sign 10 cooperation documents",
            ),
            locate="    states: sign 10 cooperation documents",
        ),
        "'relationship.leader_meetings' names the words 'sign 10 cooperation documents', whose number already states 'outcomes.documents_to_sign'",
    ),
    Case(
        "source's 'nearly' dropped",
        data_edit(("    qualifier: nearly\n", ""), locate="  trade.turnover_jan_feb_2023:"),
        "'trade.turnover_jan_feb_2023' drops the source's 'nearly'",
    ),
    Case(
        "qualifier the source does not use",
        data_edit(("    value: 26\n", "    value: 26\n    qualifier: more than\n"), locate="    qualifier: more than"),
        "'trade.growth_jan_feb_2023' has qualifier 'more than', but the source states the number without one: 'up 26%'",
    ),
    Case(
        "percent on '1.5 fold'",
        data_edit(
            ("    value: 1.5\n    unit: multiplier", "    value: 1.5\n    unit: percent"),
            locate="    unit: percent\n    precision: 1",
        ),
        "has unit percent, but its words 'increased 1.5 fold' state a multiple (fold)",
    ),
    Case(
        "two-word fragment as evidence",
        data_edit(
            (
                "    text: Four units of the Tianwan Nuclear Power Plant and one CEFR fast neutron nuclear reactor are under construction in China with Russian help.",
                "    text: Four units",
            ),
            locate="    text: Four units",
        ),
        "passage 'reactors' is a fragment of 2 words: 'Four units'",
    ),
    Case(
        "passage starting mid-sentence",
        data_edit(
            (
                "    text: Last year trade turnover between Russia and China reached a record 185 billion USD, very close to the goal of 200 billion USD by 2024.",
                "    text: trade turnover between Russia and China reached a record 185 billion USD,",
            ),
            locate="    text: trade turnover between",
        ),
        "passage 'trade-2022' starts in the middle of a sentence",
    ),
    Case(
        "words naming two numbers",
        data_edit(
            ("    states: the goal of 200 billion USD\n", "    states: the goal of 200 billion USD by 2024\n"),
            locate="    states: the goal of 200 billion USD by 2024",
        ),
        "the words 'the goal of 200 billion USD by 2024' of 'trade.target_2024' state more than one number ('200 billion', '2024')",
    ),
    Case(
        "words not in the passage",
        data_edit(
            ("    states: met about 40 times\n", "    states: met around 40 times\n"),
            locate="    states: met around 40 times",
        ),
        "'relationship.leader_meetings' names the words 'met around 40 times', which are not in passage 'leader-meetings'",
    ),
    Case(
        "source text edited to fit a figure",
        plant_edited_source,
        "source text sources/vovworld-2023-03-xi-state-visit-to-russia.txt has changed since it was sealed: recorded sha256 8a4c524a",
    ),
    Case(
        "source without its seal",
        data_edit(
            ("    sha256: 8a4c524a4130167d98d0c361b14583d5dde352a9481fde17d1a3b83a48288607\n", ""),
            locate="  vovworld-2023-03:",
        ),
        "source 'vovworld-2023-03' is not sealed",
    ),
    Case(
        "quote written in the entry (old format)",
        data_edit(
            (
                "    passage: leader-meetings\n    states: met about 40 times\n",
                "    source: vovworld-2023-03\n    quote: Putin and Xi have met about 40 times.\n    states: met about 40 times\n",
            ),
            locate="    quote: Putin and Xi",
        ),
        "'quote:' is no longer written in the entry",
    ),
    Case(
        "unknown unit, no follow-on formula error",
        data_edit(
            ("    unit: percent\n    period: January", "    unit: percnt\n    period: January"),
            locate="    unit: percnt",
        ),
        "unit: unknown value 'percnt'",
    ),
    Case(
        "derived currency its inputs do not give",
        data_edit(
            (
                "    formula: trade.target_2024 - trade.turnover_2022\n",
                "    formula: trade.target_2024 - trade.turnover_2022\n    currency: EUR\n",
            ),
            locate="    currency: EUR",
        ),
        "'trade.target_gap_2022' has currency EUR, but its formula gives USD",
    ),
    Case(
        "share without its unit",
        data_edit(
            (
                "    formula: trade.turnover_2022 / trade.target_2024 * 100\n    unit: percent\n",
                "    formula: trade.turnover_2022 / trade.target_2024 * 100\n",
            ),
            locate="  trade.target_share_2022:",
        ),
        "formula of 'trade.target_share_2022' gives a plain number (a ratio), but unit is (none)",
    ),
    Case(
        "number in a figure label",
        data_edit(
            ("    label: Meetings between Putin and Xi\n", "    label: Meetings between Putin and Xi, 999 billion\n"),
            locate="    label: Meetings between Putin and Xi, 999",
        ),
        "hand-typed number '999 billion' in figures.label of 'relationship.leader_meetings'",
    ),
    Case(
        "number in a chart caption",
        data_edit(
            (
                "    caption: Russia–China trade turnover in January and February, a year apart.",
                "    caption: Russia–China trade turnover of 888 billion in January and February, a year apart.",
            ),
            locate="    caption: Russia–China trade turnover of 888",
        ),
        "hand-typed number '888 billion' in charts.caption of 'trade-jan-feb'",
    ),
    Case(
        "': ' in unquoted text",
        data_edit(
            ("    label: Meetings between Putin and Xi\n", "    label: Meetings: Putin and Xi\n"),
            locate="    label: Meetings: Putin",
        ),
        "the text of 'label' contains ': ', which YAML reads as the start of another key",
    ),
    Case(
        "date not in quotes",
        data_edit(('    published: "2023-03"\n', "    published: 2023-03-20\n"), locate="    published: 2023-03-20"),
        "published: YAML read this as a date, but it is text",
    ),
    Case(
        "key moved left",
        data_edit(("    value: 40\n", "  value: 40\n"), locate="  value: 40"),
        "this line is indented 2 spaces, less than the lines around it (4): the key moved left",
    ),
]

PAGE_CASES = [
    Case(
        "currencies mixed in a formula",
        plant_mixed_currencies,
        "formula of 'trade.with_eu_2022' adds trade.turnover_2022 (USD) and trade.eu_exports_2022 (EUR): mixed currencies",
    ),
    Case("'186bn' in prose", in_about("Trade was 186bn that year.", "186bn"), "hand-typed number '186bn'"),
    Case(
        "'US$18bn' in a table",
        page_edit(
            "about.md",
            "| Licence | {{ meta('licence') }} |\n",
            "| Licence | {{ meta('licence') }} |\n| Gap | US$18bn |\n",
            "US$18bn",
        ),
        "hand-typed number 'US$18bn'",
    ),
    Case(
        "'26pc' in a heading",
        page_edit("trade.md", "## Growth early in the year\n", "## Growth of 26pc early in the year\n", "26pc"),
        "hand-typed number '26pc'",
    ),
    Case("'2x' in link text", in_about("See [trade, 2x faster](trade.md).", "2x faster"), "hand-typed number '2x'"),
    Case("'21st' in prose", in_about("A partnership for the 21st century.", "21st"), "hand-typed number '21st'"),
    Case("'1.5-fold' typed by hand", in_about("Gas rose 1.5-fold.", "1.5-fold"), "hand-typed number '1.5-fold'"),
    Case("number in words", in_about("Forty meetings took place.", "Forty"), "hand-typed number 'Forty'"),
    Case(
        "number in image alt text",
        in_about("![Trade of 999 billion](assets/favicon.svg)", "999 billion"),
        "hand-typed number '999 billion'",
    ),
    Case(
        "number in a title attribute",
        in_about('<span title="about 40 meetings">Putin and Xi</span> met.', "about 40 meetings"),
        "hand-typed number '40'",
    ),
    Case(
        "number in the front matter's description",
        page_edit(
            "energy.md", "description: Russia's oil, LNG", "description: Worth 186bn, Russia's oil, LNG", "description:"
        ),
        "hand-typed number '186bn' in the front matter's description",
    ),
    Case(
        "number in the front matter's summary (shown on Home)",
        page_edit(
            "nuclear.md",
            "summary: Reactors under construction",
            "summary: Five reactors under construction",
            "summary:",
        ),
        "hand-typed number 'Five' in the front matter's summary",
    ),
    Case(
        "number in the front matter's title",
        page_edit("military.md", "title: Military cooperation", "title: Military cooperation, 2nd patrol", "title:"),
        "hand-typed number '2nd' in the front matter's title",
    ),
    Case(
        "undefined name in a page",
        in_about("Write {{ anything }} here.", "{{ anything }}"),
        "unknown macro or name 'anything'",
    ),
    Case(
        "stray '}' (no 'unused' follow-ons)",
        page_edit(
            "energy.md",
            "{{ figure('energy.oil_supplier_rank_2022') }}",
            "{{ figure('energy.oil_supplier_rank_2022') }",
            "figure('energy.oil_supplier_rank_2022') } among",
        ),
        "template syntax error: unexpected '}'",
    ),
]

CASES = DATA_CASES + PAGE_CASES
LOCATED = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+)(?::\d+)?: (?P<what>.+) \((?P<hint>.+)\)$")


def assert_one_located_message(case: Case, problems: list[str], shown: str, line: int) -> None:
    assert len(problems) == 1, f"{case.name}: expected one message, got {len(problems)}:\n" + "\n".join(problems)
    match = LOCATED.match(problems[0])
    assert match, f"{case.name}: not 'file:line: what (what to do)': {problems[0]}"
    assert (match.group("file"), int(match.group("line"))) == (shown, line), f"{case.name}: {problems[0]}"
    assert case.message in match.group("what"), f"{case.name}: {case.message!r} not in {problems[0]}"


@pytest.mark.parametrize("case", DATA_CASES, ids=[case.name for case in DATA_CASES])
def test_data_mistake_gives_one_located_message(project: Path, case: Case) -> None:
    shown, line = case.plant(project)
    data_before = tree_digest(project / "data")
    data = load_briefing(project / DATA, DATA, allowed_numbers())
    assert_one_located_message(case, [str(problem) for problem in data.problems], shown, line)
    assert tree_digest(project / "data") == data_before


@pytest.mark.parametrize("case", PAGE_CASES, ids=[case.name for case in PAGE_CASES])
def test_page_mistake_gives_one_located_message_in_a_real_build(project: Path, case: Case) -> None:
    shown, line = case.plant(project)
    docs_before, data_before = tree_digest(project / "docs"), tree_digest(project / "data")
    result = build_in_process(project)
    assert not result.ok, f"{case.name}: the build passed"
    assert_one_located_message(case, result.problems, shown, line)
    assert tree_digest(project / "docs") == docs_before
    assert tree_digest(project / "data") == data_before


# Data mistakes on different entries, planted together: the full build reports each once, nothing more.
TOGETHER = (
    "goal's number from the same sentence",
    "source's 'nearly' dropped",
    "percent on '1.5 fold'",
    "two-word fragment as evidence",
    "number in a chart caption",
    "number in a figure label",
    "words naming two numbers",
)


def test_data_mistakes_bring_no_follow_on_messages_from_the_pages(project: Path) -> None:
    cases = [case for case in DATA_CASES if case.name in TOGETHER]
    expected = [case.plant(project) for case in cases]
    result = build_in_process(project)
    assert not result.ok
    assert len(result.problems) == len(cases), "\n".join(result.problems)
    for case, (shown, line) in zip(cases, expected, strict=True):
        assert any(problem.startswith(f"{shown}:{line}:") and case.message in problem for problem in result.problems), (
            case.name
        )


@pytest.mark.slow  # publishes a copy of the real site (twice)
def test_make_build_leaves_the_last_good_site_untouched(project: Path) -> None:
    site = project / "site"
    assert publish(project, site, steps=[]) == 0
    before = tree_digest(site)
    DATA_CASES[0].plant(project)
    assert publish(project, site, steps=[]) != 0
    assert tree_digest(site) == before


def test_macros_in_code_are_shown_as_typed(project: Path) -> None:
    edit(
        project,
        "docs/about.md",
        CITE,
        CITE
        + (
            "\nWrite `{{ figure('trade.turnover_2022') }}` or `{{ anything }}`.\n\n"
            "```jinja\n{{ figure('trade.turnover_2022') }}\n{% if x %}{% endraw %}\n```\n\n"
            "    ~~~\n    {{ cite('vovworld-2023-03') }}\n    ~~~\n"
        ),
    )
    site = project / "site-in-process"
    result = build_in_process(project, site)
    assert result.ok, result.problems or result.error
    html = (site / "about" / "index.html").read_text(encoding="utf-8")
    body = html[html.index("How to cite") :]
    assert "<code>{{ figure('trade.turnover_2022') }}</code>" in body
    assert "<code>{{ anything }}</code>" in body
    block = re.sub(r"<[^>]+>", "", body[body.index("<pre") : body.index("</pre>")])
    assert "{{ figure('trade.turnover_2022') }}" in block.replace("&#39;", "'")
    assert "{% endraw %}" in block
    assert "fig__value" not in html  # About has no figure: none was run from the code
    assert "{{ cite(&#39;vovworld-2023-03&#39;) }}" in body or "{{ cite('vovworld-2023-03') }}" in body
