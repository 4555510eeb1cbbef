"""Scale benchmark for hostile-sized input (issue 17): prints figures, asserts nothing.

``python -m tools.bench_scale`` (``make bench-scale``) times three scenarios:

- one figure referenced 5,000 times on one page (strict HTML build);
- 2,000 figures, each referenced once over 20 pages, with their Key figures table;
- quote search: 300 passages checked against a 2 MB source text (loading and
  checking the data file only).

With ``--pdf`` it also makes the PDF of the two synthetic builds. Every build,
PDF and data check runs in a fresh interpreter, which reports its wall time,
CPU time and peak resident memory (``ru_maxrss``), so one scenario's memory
never counts in another's. The sizes are options, so a test can run the
smallest setting (``tests/test_bench_tools.py``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from briefing.quotes import text_sha256
from tools import bench

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ("quotes", "one", "many")
# The child's last line: wall seconds of the timed call, CPU seconds and peak MiB of the process.
PDF_CHILD = (
    "import resource, sys, time\n"
    "from pathlib import Path\n"
    "from briefing.pdf import build_pdf\n"
    "start = time.perf_counter()\n"
    "report = build_pdf(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))\n"
    "usage = resource.getrusage(resource.RUSAGE_SELF)\n"
    "print(report.pages, time.perf_counter() - start, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)\n"
)
QUOTES_CHILD = (
    "import resource, sys, time\n"
    "from pathlib import Path\n"
    "from briefing.data import load_briefing\n"
    "start = time.perf_counter()\n"
    "loaded = load_briefing(Path(sys.argv[1]))\n"
    "seconds = time.perf_counter() - start\n"
    "assert not loaded.problems, loaded.problems.report()\n"
    "usage = resource.getrusage(resource.RUSAGE_SELF)\n"
    "print(len(loaded.figures), seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)\n"
)
FILLER = "The ministry published its monthly statistics, and the committee discussed them at length. "


@dataclass(frozen=True)
class Measure:
    """One timed run in a fresh interpreter."""

    seconds: float
    cpu: float
    peak_mib: float
    count: int = 0  # pages of a PDF, figures checked


def scale_project(workdir: Path, name: str, figures: int, pages: int, refs: int) -> Path:
    """A synthetic project of ``figures`` figures cited ``refs`` times on each of ``pages`` pages; its mkdocs.yml.

    The pages are the benchmark's (:func:`tools.bench.make_projects`) with a home
    page and a nav, which the PDF takes its chapters from.
    """
    config_file = bench.make_projects(workdir / name, pages, refs, figures=figures)["project"]
    docs = config_file.parent / "docs"
    (docs / "index.md").write_text(
        "---\ntitle: Home\ndescription: Synthetic briefing for the scale benchmark.\nsummary: x\n---\n\n"
        "# Synthetic briefing\n",
        encoding="utf-8",
    )
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    chapters = sorted(path.name for path in docs.glob("*.md") if path.name != "index.md")
    config["nav"] = ["index.md", *chapters]
    config_file.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return config_file


def quote_project(workdir: Path, quotes: int, source_bytes: int) -> Path:
    """A data file of ``quotes`` figures whose passages sit in a source of about ``source_bytes``; its path."""
    data, _ = bench.synthetic_data(quotes)
    sentences = [passage["text"] for passage in data["passages"].values()]
    repeats = max(1, source_bytes // (len(FILLER) * len(sentences)))
    body = "".join(FILLER * repeats + sentence + "\n" for sentence in sentences)
    data["sources"]["synthetic-source"]["sha256"] = text_sha256(body.encode("utf-8"))
    folder = workdir / "quotes" / "data"
    (folder / "sources").mkdir(parents=True)
    (folder / "sources" / "synthetic.txt").write_text(body, encoding="utf-8")
    data_file = folder / "briefing.yml"
    data_file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return data_file


def run_child(code: str, arguments: Sequence[str], cwd: Path) -> Measure:
    """Run ``code`` in a fresh interpreter; its last line is ``count seconds cpu peak``."""
    env = bench.child_environment(PYTHONPATH=os.pathsep.join((str(cwd), str(ROOT))))
    result = subprocess.run(
        [sys.executable, "-c", code, *arguments], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"benchmark child failed in {cwd}:\n{result.stdout}{result.stderr}")
    count, seconds, cpu, peak = result.stdout.strip().splitlines()[-1].split()
    return Measure(float(seconds), float(cpu), float(peak), int(count))


def html_build(config_file: Path) -> Measure:
    """Time the strict MkDocs build of a synthetic project."""
    seconds, cpu, peak = bench.timed_build(config_file)
    return Measure(seconds, cpu, peak)


def pdf_build(config_file: Path) -> Measure:
    """Time the PDF of a built synthetic project (``briefing.pdf.build_pdf``, as ``make build`` runs it)."""
    project = config_file.parent
    site = Path(yaml.safe_load(config_file.read_text(encoding="utf-8"))["site_dir"])
    return run_child(PDF_CHILD, [str(project), str(site), str(project / "briefing.pdf")], project)


def quote_search(data_file: Path) -> Measure:
    """Time loading and checking a data file (every passage searched for in its source)."""
    return run_child(QUOTES_CHILD, [str(data_file)], data_file.parent)


def row(scenario: str, size: str, step: str, measure: Measure) -> str:
    """One line of the printed table."""
    return f"| {scenario} | {size} | {step} | {measure.seconds:.1f} | {measure.cpu:.1f} | {measure.peak_mib:.0f} |" + (
        f" {measure.count} |" if measure.count else " |"
    )


def parse_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line: which scenarios, their sizes, and whether to make the PDFs."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pdf", action="store_true", help="also make and time the PDF of the two synthetic builds")
    parser.add_argument(
        "--only", choices=SCENARIOS, action="append", help="run only this scenario (repeatable; default: all)"
    )
    parser.add_argument("--refs", type=int, default=5000, help="references to one figure (scenario one)")
    parser.add_argument("--figures", type=int, default=2000, help="figures, each cited once (scenario many)")
    parser.add_argument("--pages", type=int, default=20, help="pages the figures are cited on (scenario many)")
    parser.add_argument("--quotes", type=int, default=300, help="passages to find (scenario quotes)")
    parser.add_argument("--source-bytes", type=int, default=2_000_000, help="size of the source they are found in")
    parser.add_argument("--keep", type=Path, help="build here and keep the projects, sites and PDFs to look at")
    return parser.parse_args(argv)


def run(args: argparse.Namespace, workdir: Path) -> list[str]:
    """Run the chosen scenarios in ``workdir``; return the table's lines (also printed as they come)."""
    lines = [
        "| scenario | size | step | wall s | CPU s | peak MiB | pages or figures |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: |",
    ]
    print("\n".join(lines), flush=True)

    def emit(line: str) -> None:
        lines.append(line)
        print(line, flush=True)

    chosen = args.only or SCENARIOS
    if "quotes" in chosen:
        data_file = quote_project(workdir, args.quotes, args.source_bytes)
        size = f"{args.quotes} passages, {data_file.with_name('sources').joinpath('synthetic.txt').stat().st_size / 1e6:.1f} MB source"
        emit(row("quote search", size, "load and check", quote_search(data_file)))
    builds = []
    if "one" in chosen:
        builds.append(("one figure cited often", f"1 figure x {args.refs:,} references", "one", 1, 1, args.refs))
    if "many" in chosen:
        per_page = max(1, args.figures // args.pages)
        builds.append(
            (
                "many figures",
                f"{args.figures:,} figures over {args.pages} pages",
                "many",
                args.figures,
                args.pages,
                per_page,
            )
        )
    for scenario, size, name, figures, pages, refs in builds:
        config_file = scale_project(workdir, name, figures, pages, refs)
        emit(row(scenario, size, "HTML build", html_build(config_file)))
        if args.pdf:
            emit(row(scenario, size, "PDF", pdf_build(config_file)))
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    args = parse_arguments(argv)
    print(f"{os.cpu_count()} CPU(s); load average {', '.join(f'{v:.2f}' for v in os.getloadavg())}.\n", flush=True)
    start = time.perf_counter()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        run(args, args.keep)
    else:
        with tempfile.TemporaryDirectory(prefix="bench-scale-") as temporary:
            run(args, Path(temporary))
    print(f"\nTotal {time.perf_counter() - start:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
