"""Bad input never ships: each mistake fails the build with file:line, and changes nothing.

Every case is a small variation of the real project, built in a temporary
directory. Each asserts that the build fails, that the message names the file
and line and the offending key or text, and that ``docs/`` and ``data/`` are
byte-identical after the build.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import line_of, run_build
from tests.support.planting import Case, Plant, data_edit, edit, page_edit, tree_digest

FILE_LEVEL = -1  # a problem with a whole file (a symbolic link): named without a line


def plant_empty_data(project: Path) -> tuple[str, int | None]:
    (project / "data" / "briefing.yml").write_text("", encoding="utf-8")
    return "data/briefing.yml", 1


def plant_missing_source_text(project: Path) -> tuple[str, int | None]:
    text = (project / "data" / "briefing.yml").read_text(encoding="utf-8")
    (project / "data" / "sources" / "vovworld-2023-03-xi-state-visit-to-russia.txt").unlink()
    return "data/briefing.yml", line_of(text, "    text: sources/")


def plant_non_utf8_data(project: Path) -> tuple[str, int | None]:
    path = project / "data" / "briefing.yml"
    path.write_bytes(
        path.read_bytes().replace(
            "Russia–China trade turnover, 2022".encode(), b"Russia\x96China trade turnover, 2022", 1
        )
    )
    return "data/briefing.yml", None


def plant_symlink(relative: str, target: str) -> Plant:
    def plant(project: Path) -> tuple[str, int | None]:
        (project / relative).symlink_to(target)
        return relative, FILE_LEVEL

    return plant


def plant_symlinked_source_text(project: Path) -> tuple[str, int | None]:
    (project / "data" / "sources" / "link.txt").symlink_to("/etc/hostname")
    text = edit(
        project,
        "data/briefing.yml",
        "text: sources/vovworld-2023-03-xi-state-visit-to-russia.txt",
        "text: sources/link.txt",
    )
    return "data/briefing.yml", line_of(text, "text: sources/link.txt")


def cite_edit(insert: str, locate: str) -> Plant:
    """A page edit adding ``insert`` under About's "How to cite" heading."""
    return page_edit("about.md", "## How to cite\n", "## How to cite\n\n" + insert + "\n", locate)


GLOSSARY_INJECTION = (
    "  UN: |\n    United Nations\n    [Read more](javascript:alert(document.domain))\n"
    "    {: onclick=alert(document.domain) }"
)


def plant_unused_figure(project: Path) -> tuple[str, int | None]:
    text = edit(
        project,
        "data/briefing.yml",
        "\nderived:\n",
        "\n  trade.unused_example:\n    label: Unused\n    value: 2\n    unit: count\n"
        "    period: early 2023\n    passage: trade-jan-feb-2023\n    states: 2 months\n"
        "\nderived:\n",
    )
    return "data/briefing.yml", line_of(text, "  trade.unused_example:")


CASES = [
    Case(
        "malformed YAML",
        data_edit(("  trade.turnover_2022:\n", "  trade.turnover_2022\n"), locate=""),
        "YAML syntax error",
    ),
    Case(
        "duplicate key",
        data_edit(("    value: 185\n", "    value: 185\n    value: 186\n"), locate="    value: 186"),
        "duplicate key 'value'",
    ),
    Case(
        "missing required field",
        data_edit(("    label: Meetings between Putin and Xi\n", ""), locate="  relationship.leader_meetings:"),
        "missing required field 'label'",
    ),
    Case(
        "wrong type",
        data_edit(("    value: 40\n", "    value: forty\n"), locate="value: forty"),
        "value: Input should be a valid number",
    ),
    Case(
        "unknown unit",
        data_edit(
            ("    unit: percent\n    period: January", "    unit: percnt\n    period: January"), locate="unit: percnt"
        ),
        "unknown value 'percnt'",
    ),
    Case(
        "unknown source",
        data_edit(
            ("  leader-meetings:\n    source: vovworld-2023-03\n", "  leader-meetings:\n    source: vovworld\n"),
            locate="    source: vovworld\n",
        ),
        "unknown source 'vovworld'",
    ),
    Case(
        "passage not in source",
        data_edit(
            ("text: Putin and Xi have met about 40 times.", "text: Putin and Xi have met around 40 times."),
            locate="around 40 times",
        ),
        "is not word for word in source",
    ),
    Case(
        "value not in its words",
        data_edit(("    value: 185\n", "    value: 158\n"), locate="value: 158"),
        "'trade.turnover_2022' has value 158 billion, but its words 'a record 185 billion USD' state 185 billion",
    ),
    Case(
        "derived unknown id",
        data_edit(
            ("formula: trade.turnover_2022 / trade.target_2024", "formula: trade.turnover_2021 / trade.target_2024"),
            locate="trade.turnover_2021 /",
        ),
        "uses unknown id 'trade.turnover_2021'",
    ),
    Case(
        "derived cycle",
        data_edit(
            ("formula: trade.target_2024 - trade.turnover_2022", "formula: trade.target_2024 - trade.target_gap_2022"),
            locate="formula: trade.target_2024 - trade.target_gap_2022",
        ),
        "formula cycle: trade.target_gap_2022 → trade.target_gap_2022",
    ),
    Case(
        "division by zero",
        data_edit(
            (
                "formula: trade.turnover_2022 / trade.target_2024 * 100",
                "formula: trade.turnover_2022 / (trade.target_2024 - trade.target_2024) * 100",
            ),
            locate="(trade.target_2024 - trade.target_2024)",
        ),
        "division by zero",
    ),
    Case(
        "unknown figure id in a page",
        page_edit(
            "about.md",
            "## How to cite\n",
            "## How to cite\n\n{{ figure('trade.turnover_2O22') }}\n",
            "trade.turnover_2O22",
        ),
        "unknown figure 'trade.turnover_2O22' in figure() (did you mean 'trade.turnover_2022'",
    ),
    Case(
        "Jinja syntax error in a page",
        page_edit(
            "about.md",
            "## How to cite\n",
            "## How to cite\n\n{{ figure('trade.turnover_2022') }\n",
            "{{ figure('trade.turnover_2022') }\n",
        ),
        "template syntax error",
    ),
    Case(
        "broken internal link",
        page_edit("about.md", "## How to cite\n", "## How to cite\n\nSee [the energy page](enrgy.md).\n", "enrgy.md"),
        "link to 'enrgy.md': no such file in the docs (did you mean 'energy.md'",
    ),
    Case(
        "missing anchor",
        page_edit(
            "about.md",
            "## How to cite\n",
            "## How to cite\n\nSee [pipeline gas](energy.md#pipline-gas).\n",
            "energy.md#pipline-gas",
        ),
        "no anchor '#pipline-gas' on energy.md",
    ),
    Case(
        "hand-typed figure",
        page_edit("about.md", "## How to cite\n", "## How to cite\n\nTrade reached USD 999 billion.\n", "USD 999"),
        "hand-typed number '999 billion' in \"Trade reached USD 999 billion.\"",
    ),
    Case(
        "script in a data string",
        data_edit(
            ("    role: Aide to the Russian President\n", "    role: Aide <script>alert(1)</script>\n"),
            locate="role: Aide <script>",
        ),
        "role: contains markup '<script>'",
    ),
    Case(
        "HTML in a title",
        data_edit(
            ("    label: Meetings between Putin and Xi\n", "    label: Meetings <b>between</b> Putin and Xi\n"),
            locate="label: Meetings <b>",
        ),
        "contains markup '<b>'",
    ),
    Case("missing source text file", plant_missing_source_text, "source text file not found"),
    Case("empty data file", plant_empty_data, "data file is empty"),
    Case(
        "page without a description",
        page_edit(
            "about.md",
            "description: Version, dates, citation and licence of the briefing on Xi Jinping's March 2023 state visit to Russia.\n",
            "",
            "",
        ),
        "front matter lacks 'description'",
    ),
    Case("unused figure", plant_unused_figure, "figures entry 'trade.unused_example' is not used on any page"),
    Case("non-UTF-8 data file", plant_non_utf8_data, "not valid UTF-8"),
    Case(
        "unknown style",
        page_edit(
            "about.md",
            "## How to cite\n",
            "## How to cite\n\n{{ figure('trade.turnover_2022', 'medium') }}\n",
            "'medium'",
        ),
        "unknown style 'medium' in figure()",
    ),
    # issue 17: hostile or malformed input (see also tests/test_hostile_data.py and tests/test_security.py)
    Case(
        "glossary entry injecting Markdown",
        data_edit(("  UN: United Nations", GLOSSARY_INJECTION), locate="  UN: |"),
        "expansion: contains a line break",
    ),
    Case(
        "javascript: source url",
        data_edit(
            ("    text: sources/", "    url: javascript:alert(document.domain)\n    text: sources/"),
            locate="    url: javascript:",
        ),
        "url: link must start with https:// (found 'javascript:')",
    ),
    Case(
        "data: licence url",
        data_edit(
            ("  licence_url: https://creativecommons.org/licenses/by/4.0/", "  licence_url: data:text/html,hi"),
            locate="  licence_url:",
        ),
        "licence_url: link must start with https://",
    ),
    Case(
        "source text outside the project",
        data_edit(
            ("text: sources/vovworld-2023-03-xi-state-visit-to-russia.txt", "text: ../../../../etc/passwd"),
            locate="text: ../../../../etc/passwd",
        ),
        "source text file not found: ../../../../etc/passwd",
    ),
    Case(
        "source text by absolute path",
        data_edit(
            ("text: sources/vovworld-2023-03-xi-state-visit-to-russia.txt", "text: /etc/os-release"),
            locate="text: /etc/os-release",
        ),
        "source text file not found: /etc/os-release",
    ),
    Case("symlinked source text", plant_symlinked_source_text, "source text file not found: sources/link.txt"),
    Case(
        "symlink in docs/assets",
        plant_symlink("docs/assets/passwd.txt", "/etc/passwd"),
        "symbolic link: the build does not follow links in docs/ and data/",
    ),
    Case(
        "symlink in data/sources",
        plant_symlink("data/sources/host.txt", "/etc/hostname"),
        "symbolic link: the build does not follow links",
    ),
    Case(
        "page running a shell command",
        cite_edit("{{ cycler.__init__.__globals__.os.popen('id').read() }}", "cycler.__init__"),
        "attribute '__init__' is not allowed in a page",
    ),
    Case(
        "page naming an unknown macro",
        cite_edit("{{ figur('trade.turnover_2022') }}", "figur("),
        "unknown macro or name 'figur' (did you mean 'figure'?)",
    ),
    Case(
        "page including a file",
        cite_edit("{% include '/etc/passwd' %}", "{% include"),
        "pages cannot include, import or extend files",
    ),
    Case(
        "macro without its argument",
        cite_edit("{{ figure() }}", "{{ figure() }}"),
        "figure(): missing a required argument: 'figure_id'",
    ),
    Case(
        "macro with a number for an id",
        cite_edit("{{ figure(123) }}", "{{ figure(123) }}"),
        "figure(): 'figure_id' must be text in quotes, got 123",
    ),
    Case(
        "macro with None for a style",
        cite_edit("{{ figure('trade.turnover_2022', None) }}", "None) }}"),
        "figure(): 'style' must be text in quotes, got None",
    ),
    Case(
        "macro with an extra argument",
        cite_edit("{{ figure('trade.turnover_2022', 'long', 3) }}", "'long', 3"),
        "figure(): too many positional arguments",
    ),
    Case(
        "script element in a page",
        cite_edit("<script>alert(document.domain)</script>", "<script>"),
        "<script> is not allowed in a page",
    ),
    Case(
        "javascript: link in a page",
        cite_edit("[Read more](javascript:alert(document.domain))", "[Read more]"),
        "link 'javascript:alert(document.domain)' is not allowed",
    ),
    Case(
        "event handler through attr_list",
        cite_edit("A paragraph.\n{: onclick=alert(document.domain) }", "{: onclick"),
        "event-handler attribute 'onclick' is not allowed in a page",
    ),
    Case(
        "front matter breaking out of an attribute",
        page_edit("about.md", "title: About\n", 'title: About" onmouseover="alert(1)\n', "title: About"),
        "front matter 'title' contains a straight double quote",
    ),
    Case(
        "front matter choosing a template",
        page_edit("about.md", "title: About\n", "title: About\ntemplate: 404.html\n", "template: 404.html"),
        "front matter key 'template' is not allowed",
    ),
    Case(
        "YAML 1.1 boolean for a value",
        data_edit(("    value: 3\n", "    value: yes\n"), locate="    value: yes"),
        "'yes' is read as true or false by YAML 1.1 tools",
    ),
    Case(
        "impossible date in meta",
        data_edit(('  updated: "2026-11-28"', "  updated: 2026-02-30"), locate="  updated: 2026-02-30"),
        "updated: '2026-02-30' is not a date in the calendar",
    ),
    Case(
        "NUL byte in the data file",
        data_edit(
            ("    label: Xi's presidential term", "    label: Xi's pres\x00idential term"),
            locate="    label: Xi's pres",
        ),
        "control character U+0000 in the data file",
    ),
    Case(
        "bidi override in a label",
        data_edit(
            ("    label: Xi's presidential term", "    label: Xi's \u202epresidential term"),
            locate="    label: Xi's \u202e",
        ),
        "label: contains the bidi control U+202E",
    ),
    Case(
        "derived figure through figure()",
        page_edit(
            "about.md",
            "## How to cite\n",
            "## How to cite\n\n{{ figure('trade.target_share_2022') }}\n",
            "figure('trade.target_share_2022')",
        ),
        "'trade.target_share_2022' is a derived figure",
    ),
]


# One end-to-end case per kind of mistake runs in `make test-fast` (data, page and the
# all-at-once report: test_three_different_mistakes_in_one_run); the rest are in the slow tier
# (each is a subprocess build of a copy of the project; the data and page checks they end in
# also have in-process tests: test_data_errors.py, test_hostile_data.py, test_pageenv.py, test_render.py).
FAST_CASES = {
    "malformed YAML",  # the data file cannot be read
    "broken internal link",  # a page linking nowhere
    "page running a shell command",  # a page trying to escape the sandbox
    "symlink in docs/assets",  # a file the build must not follow
}
assert not FAST_CASES - {case.name for case in CASES}, "a fast case names no case"


@pytest.mark.parametrize(
    "case",
    [pytest.param(case, marks=() if case.name in FAST_CASES else pytest.mark.slow) for case in CASES],
    ids=[case.name for case in CASES],
)
def test_bad_input_fails_with_location_and_changes_nothing(project: Path, case: Case) -> None:
    shown, line = case.plant(project)
    docs_before, data_before = tree_digest(project / "docs"), tree_digest(project / "data")
    result = run_build(project)
    assert result.returncode != 0, f"{case.name}: the build passed\n{result.output}"
    matching = [text for text in result.output.splitlines() if case.message in text]
    assert matching, f"{case.name}: no line containing {case.message!r}\n{result.output}"
    if line == FILE_LEVEL:
        location = re.escape(shown) + ": "
    else:
        line_pattern = str(line) if line is not None else r"\d+"
        location = re.escape(shown) + ":" + line_pattern + r"(:\d+)?: "
    assert any(re.search(location, text) for text in matching), f"{case.name}: expected {location}\n{matching}"
    assert tree_digest(project / "docs") == docs_before
    assert tree_digest(project / "data") == data_before
    assert not (result.site / "index.html").exists()


@pytest.mark.slow  # a subprocess build; the fast tier keeps the non-UTF-8 data file check (test_data_errors.py)
def test_non_utf8_page_fails_clearly(project: Path) -> None:
    page = project / "docs" / "about.md"
    page.write_bytes(page.read_bytes().replace(b"# About this briefing", b"# About this briefing \xff", 1))
    result = run_build(project)
    assert result.returncode != 0
    assert "about.md" in result.output
    assert "UTF-8" in result.output or "utf-8" in result.output or "codec" in result.output


def test_three_different_mistakes_in_one_run(project: Path) -> None:
    data_text = edit(project, "data/briefing.yml", "    value: 185\n", "    value: 158\n")
    page_text = edit(
        project,
        "docs/about.md",
        "## How to cite\n",
        "## How to cite\n\n{{ figure('trade.turnover_2O22') }} and USD 999 billion.\n",
    )
    result = run_build(project)
    assert result.returncode != 0
    assert (
        f"data/briefing.yml:{line_of(data_text, 'value: 158')}:5: 'trade.turnover_2022' has value 158 billion"
        in result.output
    )
    assert f"docs/about.md:{line_of(page_text, 'trade.turnover_2O22')}:" in result.output
    assert "hand-typed number '999 billion'" in result.output
