"""Every data-file mistake is reported with file:line:column and the field, all in one run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import DATA_FILE, line_of, load_data_variant

REAL = DATA_FILE.read_text(encoding="utf-8")
SHOWN = "data/briefing.yml"


def load_variant(tmp_path: Path, text: str | bytes):
    return load_data_variant(tmp_path, text)


def messages(data) -> list[str]:
    return [str(problem) for problem in data.problems]


def replace_once(old: str, new: str, text: str = REAL) -> str:
    assert text.count(old) >= 1, old
    return text.replace(old, new, 1)


def test_real_data_file_has_no_problems(tmp_path: Path) -> None:
    data = load_variant(tmp_path, REAL)
    assert messages(data) == []
    assert data.derived_values["trade.target_share_2022"] == pytest.approx(92.5)


CASES = [
    # (name, mutated text, text that must appear in the message, needle locating the expected line)
    (
        "duplicate key",
        replace_once("    value: 185\n", "    value: 185\n    value: 186\n"),
        "duplicate key 'value', first defined on line",
        ("    value: 186", 1),
    ),
    (
        "missing required field",
        replace_once("    label: Meetings between Putin and Xi\n", ""),
        "missing required field 'label'",
        ("  relationship.leader_meetings:", 1),
    ),
    (
        "wrong type",
        replace_once("    value: 40\n", "    value: forty\n"),
        "value: Input should be a valid number",
        ("    value: forty", 1),
    ),
    (
        "unknown unit",
        replace_once("    unit: percent\n    period: January", "    unit: percnt\n    period: January"),
        "unit: unknown value 'percnt'",
        ("    unit: percnt", 1),
    ),
    (
        "unknown source",
        replace_once(
            "  leader-meetings:\n    source: vovworld-2023-03\n", "  leader-meetings:\n    source: vovworld-2023\n"
        ),
        "unknown source 'vovworld-2023' (did you mean 'vovworld-2023-03'?)",
        ("    source: vovworld-2023\n", 1),
    ),
    (
        "passage not verbatim",
        replace_once(
            "    text: Putin and Xi have met about 40 times.", "    text: Putin and Xi have met around 40 times."
        ),
        "passage 'leader-meetings' is not word for word in source 'vovworld-2023-03'",
        ("around 40 times", 1),
    ),
    (
        "value not in quote",
        replace_once("    value: 185\n", "    value: 158\n"),
        "'trade.turnover_2022' has value 158 billion, but its words 'a record 185 billion USD' state 185 billion",
        ("    value: 158", 1),
    ),
    (
        "unknown field",
        replace_once("    value: 40\n", "    value: 40\n    vaule: 41\n"),
        "unknown field 'vaule' (did you mean 'value'",
        ("    vaule: 41", 1),
    ),
    (
        "derived formula with unknown id",
        replace_once(
            "formula: trade.turnover_2022 / trade.target_2024 * 100",
            "formula: trade.turnover_2021 / trade.target_2024 * 100",
        ),
        "uses unknown id 'trade.turnover_2021' (did you mean 'trade.turnover_2022'",
        ("formula: trade.turnover_2021", 1),
    ),
    (
        "derived formula cycle",
        replace_once(
            "derived:\n",
            "derived:\n  trade.cycle_b:\n    label: B\n    formula: trade.target_gap_2022 + 1\n    unit: count\n    period: x\n",
            replace_once(
                "formula: trade.target_2024 - trade.turnover_2022", "formula: trade.target_2024 - trade.cycle_b"
            ),
        ),
        "formula cycle: ",
        None,
    ),
    (
        "division by zero",
        replace_once(
            "formula: trade.turnover_2022 / trade.target_2024 * 100",
            "formula: trade.turnover_2022 / (trade.target_2024 - trade.target_2024) * 100",
        ),
        "division by zero",
        ("formula: trade.turnover_2022 / (trade", 1),
    ),
    (
        "malformed YAML",
        replace_once("  trade.turnover_2022:\n", "  trade.turnover_2022\n"),
        "YAML syntax error",
        None,
    ),
    (
        "missing source text file",
        replace_once("text: sources/vovworld-2023-03-xi-state-visit-to-russia.txt", "text: sources/missing.txt"),
        "source text file not found: sources/missing.txt",
        ("text: sources/missing.txt", 1),
    ),
    (
        "empty data file",
        "",
        "data file is empty",
        None,
    ),
    (
        "bad date",
        replace_once('    date: "2023-03-20"\n', '    date: "2023-03-32"\n'),
        "date:",
        ('    date: "2023-03-32"', 1),
    ),
]


@pytest.mark.parametrize(("name", "text", "expected", "locator"), CASES, ids=[case[0] for case in CASES])
def test_data_error_is_located(tmp_path: Path, name: str, text: str, expected: str, locator) -> None:
    data = load_variant(tmp_path, text)
    found = [message for message in messages(data) if expected in message]
    assert found, f"{name}: no message containing {expected!r} in {messages(data)}"
    assert all(message.startswith(SHOWN + ":") for message in messages(data))
    if locator is not None:
        needle, occurrence = locator
        line = line_of(text, needle, occurrence) + (1 if needle.startswith("\n") else 0)
        assert any(re.match(rf"{re.escape(SHOWN)}:{line}:\d+: ", message) for message in found), (line, found)
    else:
        assert any(re.match(rf"{re.escape(SHOWN)}:\d+(:\d+)?: ", message) for message in found), found


def test_non_utf8_data_file(tmp_path: Path) -> None:
    data = load_variant(
        tmp_path,
        REAL.encode("utf-8").replace("Russia–China trade".encode(), "Russia\x96China trade".encode("latin-1"), 1),
    )
    assert any("not valid UTF-8" in message for message in messages(data))


def test_several_mistakes_are_all_reported(tmp_path: Path) -> None:
    text = replace_once("    value: 185\n", "    value: 158\n")
    text = replace_once("    unit: percent\n    period: January", "    unit: percnt\n    period: January", text)
    text = replace_once(
        "  leader-meetings:\n    source: vovworld-2023-03\n", "  leader-meetings:\n    source: vovworld\n", text
    )
    data = load_variant(tmp_path, text)
    joined = "\n".join(messages(data))
    assert "has value 158 billion" in joined
    assert "unknown value 'percnt'" in joined
    assert "unknown source 'vovworld'" in joined


def test_malformed_ids_in_every_section_are_each_named_once(tmp_path: Path) -> None:
    text = replace_once("sources:\n", "sources:\n  VOV_World:\n    title: A source\n")
    text = replace_once("passages:\n", "passages:\n  Third_Term:\n    source: vovworld-2023-03\n", text)
    text = replace_once("figures:\n", "figures:\n  Trade-Turnover:\n    label: A figure\n", text)
    text = replace_once("charts:\n", "charts:\n  Trade_Chart:\n    title: A chart\n", text)
    expected = [
        ("  VOV_World:", "source id 'VOV_World' must be lower-case letters, digits and hyphens"),
        ("  Third_Term:", "passage id 'Third_Term' must be lower-case letters, digits and hyphens, e.g. trade-2022"),
        ("  Trade-Turnover:", "id 'Trade-Turnover' must be lower-case words joined by dots, e.g. trade.turnover_2022"),
        ("  Trade_Chart:", "chart id 'Trade_Chart' must be lower-case words joined by hyphens, e.g. trade-turnover"),
    ]
    found = messages(load_variant(tmp_path, text))
    for needle, message in expected:
        where = f"{SHOWN}:{line_of(text, needle)}"
        assert any(re.match(rf"{where}(:\d+)?: {re.escape(message)}$", problem) for problem in found), (message, found)
    assert len(found) == len(expected), found
