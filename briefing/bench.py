"""Build-time benchmark: the project's pipeline against plain mkdocs-material, and the real briefing.

``python -m briefing.bench`` (``make bench``) generates synthetic briefings of
N pages x M figure references with the project's own data model, macros,
hooks and checks, and the same pages with the numbers already substituted
built by plain mkdocs-material. It alternates the two builds (A B A B ...),
and prints a Markdown table of median times, the median of the pairwise
ratios and peak memory. Then it times the real briefing: ``make build``
(HTML and PDF), the PDF alone, and an edit of the data file until
``mkdocs serve`` shows the rebuilt page. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import yaml

from briefing.data import load_briefing
from briefing.navigation import read_mkdocs_config
from briefing.quotes import text_sha256
from briefing.render import Renderer

ROOT = Path(__file__).resolve().parent.parent
COPIED_PARTS = ("macros.py", "hooks", "overrides", "pyproject.toml")
CHILD = (
    "import resource, sys\n"
    "from mkdocs.config import load_config\n"
    "from mkdocs.commands.build import build\n"
    "import logging; logging.getLogger('mkdocs').setLevel(logging.ERROR)\n"
    "build(load_config(sys.argv[1], strict=True))\n"
    "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
)
FIGURES = 40


def synthetic_data(figure_count: int) -> tuple[dict[str, Any], str]:
    """A data file of ``figure_count`` figures and the source text that states them."""
    sentences = []
    figures = {}
    passages = {}
    for index in range(figure_count):
        value = 100 + index * 7 + (index % 10) / 10
        sentence = f"In 2022 measure number {index} reached a record {value:.1f} billion USD, the ministry said."
        sentences.append(sentence)
        figures[f"synthetic.measure_{index:03d}"] = {
            "label": f"Measure {index}",
            "value": round(value, 1),
            "unit": "currency",
            "currency": "USD",
            "scale": "billion",
            "precision": 1,
            "period": "2022",
            "passage": f"measure-{index:03d}",
            "states": f"a record {value:.1f} billion USD",
        }
        passages[f"measure-{index:03d}"] = {"source": "synthetic-source", "text": sentence}
    source_text = "\n".join(sentences) + "\n"
    data = {
        "meta": {
            "title": "Synthetic briefing", "subtitle": "Benchmark", "version": "1.0.0",
            "as_of": "2023-03-22", "updated": "2026-11-27", "publisher": "Bench", "author": "Bench",
            "licence": "CC BY 4.0", "licence_url": "https://creativecommons.org/licenses/by/4.0/",
            "locale": "en_GB", "site_url": "https://example.org/",
        },
        "sources": {
            "synthetic-source": {
                "title": "Synthetic source", "publisher": "Bench", "author": "Bench", "published": "2023-03",
                "published_label": "March 2023", "text": "sources/synthetic.txt", "short": "Synthetic source",
                "sha256": text_sha256(source_text.encode("utf-8")),
            }
        },
        "passages": passages,
        "figures": figures,
    }
    return data, source_text


def page_text(page: int, refs: int, figure_ids: list[str], substitute: Renderer | None) -> str:
    """One synthetic page: front matter, headings and ``refs`` figure references."""
    lines = [
        "---",
        f"title: Page {page}",
        f"description: Synthetic benchmark page number {page} with figure references for timing the build.",
        "summary: A synthetic page.",
        "---",
        "",
        "# Synthetic page",
        "",
    ]
    for ref in range(refs):
        figure_id = figure_ids[(page * refs + ref) % len(figure_ids)]
        shown = substitute.text(figure_id) if substitute else "{{ figure('" + figure_id + "') }}"
        if ref % 5 == 0:
            lines += ["", "## Section", ""]
        lines.append(f"The measure reached {shown} in the period, according to the ministry's report.")
    if substitute is None and page == 0:
        lines.append("Source: {{ cite('synthetic-source') }}.")
    return "\n".join(lines) + "\n"


def make_projects(workdir: Path, pages: int, refs: int) -> tuple[Path, Path]:
    """Write the project variant and the plain baseline for ``pages`` x ``refs``; return both config files."""
    project = workdir / f"project-{pages}"
    baseline = workdir / f"baseline-{pages}"
    project.mkdir(parents=True)
    for part in COPIED_PARTS:
        source = ROOT / part
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, project / part)
    data, source_text = synthetic_data(FIGURES)
    (project / "data" / "sources").mkdir(parents=True)
    (project / "data" / "sources" / "synthetic.txt").write_text(source_text, encoding="utf-8")
    (project / "data" / "briefing.yml").write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    loaded = load_briefing(project / "data" / "briefing.yml")
    assert not loaded.problems, loaded.problems.report()
    renderer = Renderer(loaded, loaded.problems)
    figure_ids = list(loaded.figures)
    for root in (project, baseline):
        (root / "docs" / "assets").mkdir(parents=True)
        shutil.copy2(ROOT / "docs" / "assets" / "briefing.css", root / "docs" / "assets" / "briefing.css")
    renderer.begin_page("key-figures.md", "")
    for name in ("key-figures", "sources", "people", "timeline", "glossary"):
        # The same reference pages on both sides; the baseline gets the project's rendered markup.
        head = f"---\ntitle: {name}\ndescription: Generated reference page of the synthetic benchmark briefing.\nsummary: x\n---\n\n# {name}\n\n"
        macro = {"key-figures": "key_figures_table", "sources": "sources_list"}.get(name)
        (project / "docs" / f"{name}.md").write_text(head + ("{{ " + macro + "() }}\n" if macro else ""), encoding="utf-8")
        rendered = str(getattr(renderer, macro)()) + "\n" if macro else ""
        (baseline / "docs" / f"{name}.md").write_text(head + rendered, encoding="utf-8")
    for page in range(pages):
        (project / "docs" / f"page-{page:04d}.md").write_text(page_text(page, refs, figure_ids, None), encoding="utf-8")
        (baseline / "docs" / f"page-{page:04d}.md").write_text(page_text(page, refs, figure_ids, renderer), encoding="utf-8")
    config = read_mkdocs_config(ROOT / "mkdocs.yml")
    config.pop("nav", None)
    config.pop("watch", None)
    config["site_dir"] = str(workdir / f"site-project-{pages}")
    config["validation"] = {"omitted_files": "ignore"}
    (project / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    plain = {
        "site_name": "Synthetic briefing", "site_url": "https://example.org/", "strict": True,
        "site_dir": str(workdir / f"site-baseline-{pages}"),
        "theme": {"name": "material", "font": False, "features": config["theme"]["features"]},
        "extra_css": ["assets/briefing.css"],
        "plugins": ["search"],
        "markdown_extensions": config["markdown_extensions"],
    }
    (baseline / "mkdocs.yml").write_text(yaml.safe_dump(plain, sort_keys=False), encoding="utf-8")
    return project / "mkdocs.yml", baseline / "mkdocs.yml"


def timed_build(config_file: Path) -> tuple[float, float]:
    """Seconds and peak MiB of one strict build in a fresh interpreter."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join((str(config_file.parent), str(ROOT))),
           "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", CHILD, str(config_file)], cwd=config_file.parent, env=env,
                            capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"build of {config_file} failed:\n{result.stdout}{result.stderr}")
    return elapsed, int(result.stdout.strip().splitlines()[-1]) / 1024


def compare(pages_list: list[int], refs: int, runs: int) -> list[dict[str, float]]:
    """Alternate project and baseline builds for each N; return one result row per N."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="briefing-bench-") as tmp:
        for pages in pages_list:
            project, baseline = make_projects(Path(tmp), pages, refs)
            timed_build(project), timed_build(baseline)  # warm-up: caches, bytecode
            project_times, baseline_times, ratios, peaks = [], [], [], []
            for _ in range(runs):
                base_seconds, _ = timed_build(baseline)
                project_seconds, peak = timed_build(project)
                baseline_times.append(base_seconds)
                project_times.append(project_seconds)
                ratios.append(project_seconds / base_seconds)
                peaks.append(peak)
            rows.append({
                "N": pages,
                "baseline s": statistics.median(baseline_times),
                "project s": statistics.median(project_times),
                "ratio": statistics.median(ratios),
                "peak MiB": max(peaks),
            })
            print(f"  N={pages}: done", file=sys.stderr)
    return rows


def free_port() -> int:
    """A TCP port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def edit_to_page_seconds() -> float:
    """Seconds from saving an edit of the data file to ``mkdocs serve`` serving the rebuilt page."""
    with tempfile.TemporaryDirectory(prefix="briefing-serve-") as tmp:
        project = Path(tmp) / "project"
        project.mkdir()
        for part in ("mkdocs.yml", "macros.py", "docs", "data", "hooks", "briefing", "overrides"):
            source = ROOT / part
            (shutil.copytree if source.is_dir() else shutil.copy2)(source, project / part)
        port = free_port()
        env = {**os.environ, "PYTHONPATH": str(project), "NO_MKDOCS_2_WARNING": "1"}
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}", "--livereload"],
            cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        mount = urllib.parse.urlsplit(str(read_mkdocs_config(project / "mkdocs.yml").get("site_url") or "/")).path
        url = f"http://127.0.0.1:{port}{mount.rstrip('/')}/key-figures/"
        try:
            deadline = time.time() + 60
            while time.time() < deadline:
                try:
                    urllib.request.urlopen(url, timeout=1).read()
                    break
                except OSError:
                    time.sleep(0.1)
            data_file = project / "data" / "briefing.yml"
            text = data_file.read_text(encoding="utf-8")
            marker = "Benchmark edit marker"
            edited = text.replace("    label: Meetings between Putin and Xi\n", f"    label: {marker}\n", 1)
            time.sleep(1.0)
            start = time.perf_counter()
            data_file.write_text(edited, encoding="utf-8")
            while time.perf_counter() - start < 60:
                try:
                    if marker in urllib.request.urlopen(url, timeout=2).read().decode("utf-8"):
                        return time.perf_counter() - start
                except OSError:
                    pass
                time.sleep(0.02)
            return float("nan")
        finally:
            server.terminate()
            server.wait(timeout=10)


def real_briefing() -> dict[str, float]:
    """Times for the real briefing: full publish (HTML and PDF), PDF alone, edit to page."""
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="briefing-real-") as tmp:
        site = Path(tmp) / "site"
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "briefing.publish", "--site", str(site)], cwd=ROOT, env=env,
                       check=True, capture_output=True)
        figures["make build (HTML + PDF) s"] = time.perf_counter() - start
        if (ROOT / "briefing" / "pdf" / "__init__.py").exists():
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "briefing.pdf", "--site", str(site)], cwd=ROOT, env=env,
                           check=True, capture_output=True)
            figures["PDF alone s"] = time.perf_counter() - start
    figures["data edit -> rebuilt page in make serve s"] = edit_to_page_seconds()
    return figures


def markdown_table(rows: list[dict[str, float]]) -> str:
    """The comparison as a Markdown table."""
    lines = ["| N | baseline s | project s | ratio | peak MiB |", "| ---: | ---: | ---: | ---: | ---: |"]
    for row in rows:
        lines.append(f"| {row['N']} | {row['baseline s']:.2f} | {row['project s']:.2f} | {row['ratio']:.3f} | {row['peak MiB']:.0f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description="Benchmark the briefing build.")
    parser.add_argument("--pages", nargs="+", type=int, default=[int(n) for n in os.environ.get("NS", "10 100 500").split()])
    parser.add_argument("--refs", type=int, default=int(os.environ.get("M", "20")))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-real", action="store_true", help="only the synthetic comparison")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    args = parser.parse_args(argv)
    print(f"Synthetic briefings: M={args.refs} figure references per page, {args.runs} alternating runs each after a warm-up.\n")
    rows = compare(args.pages, args.refs, args.runs)
    print(markdown_table(rows))
    results: dict[str, object] = {"synthetic": rows}
    if not args.skip_real:
        real = real_briefing()
        print("\nReal briefing:\n")
        print("| measure | seconds |\n| --- | ---: |")
        for name, value in real.items():
            print(f"| {name.removesuffix(' s')} | {value:.2f} |")
        results["real"] = real
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
