"""Build-time benchmark: the project's pipeline against plain mkdocs-material and a naive macros set-up.

``python -m tools.bench`` (``make bench``) generates synthetic briefings of
N pages x M figure references in three variants of the same pages:

- plain: mkdocs-material with the numbers already substituted (the floor);
- naive: mkdocs-macros with every figure a plain variable from a YAML file
  (``include_yaml``), written ``{{ synthetic.measure_000 }}``, and no checks;
- project: the project's own data model, macros, hooks and checks.

The project is timed twice: with its build cache warm (``.cache/briefing``
filled by the warm-up, as for every build after the first) and with the cache
emptied before each run (a first build). The four builds alternate in every
run (rotating which goes first); the table has median times, the medians of
the per-run ratios to plain, and peak memory. Then it times the real
briefing: ``make build`` cold (empty build cache) and warm (cache filled, no
input changed), the PDF alone, and ten edits of the data file until
``mkdocs serve`` shows the rebuilt page. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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
    "import logging; logging.basicConfig(format='%(levelname)s %(message)s')\n"
    "logging.getLogger('mkdocs').setLevel(logging.ERROR)\n"
    "build(load_config(sys.argv[1], strict=True))\n"
    "usage = resource.getrusage(resource.RUSAGE_SELF)\n"
    "print(usage.ru_maxrss, usage.ru_utime + usage.ru_stime)\n"
)


def child_environment(**extra: str) -> dict[str, str]:
    """The environment of a timed child: this one, with Python's default bytecode caching.

    ``PYTHONDONTWRITEBYTECODE`` (set on some development machines) would make every
    child recompile the project's own modules, which no user's build does; the
    libraries of all variants have their bytecode from installation anyway.
    """
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "NO_MKDOCS_2_WARNING": "1", **extra}


FIGURES = 40


def letter_name(index: int) -> str:
    """``index`` written in capital letters (0 → A, 25 → Z, 26 → BA).

    Labels and edit markers that readers see may not carry digits: the build
    refuses a number no source states, so the synthetic pages name their
    measures by letters.
    """
    letters = ""
    while True:
        index, digit = divmod(index, 26)
        letters = chr(ord("A") + digit) + letters
        if index == 0:
            return letters


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
            "label": f"Measure {letter_name(index)}",
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
            "title": "Synthetic briefing",
            "subtitle": "Benchmark",
            "version": "1.0.0",
            "as_of": "2023-03-22",
            "updated": "2026-11-27",
            "publisher": "Bench",
            "author": "Bench",
            "licence": "CC BY 4.0",
            "licence_url": "https://creativecommons.org/licenses/by/4.0/",
            "locale": "en_GB",
            "site_url": "https://example.org/",
        },
        "sources": {
            "synthetic-source": {
                "title": "Synthetic source",
                "publisher": "Bench",
                "author": "Bench",
                "published": "2023-03",
                "published_label": "March 2023",
                "text": "sources/synthetic.txt",
                "short": "Synthetic source",
                "sha256": text_sha256(source_text.encode("utf-8")),
            }
        },
        "passages": passages,
        "figures": figures,
    }
    return data, source_text


def page_text(page: int, refs: int, figure_ids: list[str], substitute: Renderer | None, variables: bool = False) -> str:
    """One synthetic page: front matter, headings and ``refs`` figure references.

    The references are the project's macros, or (``variables``) the naive set-up's
    YAML variables, or (``substitute``) the numbers already written in.
    """
    lines = [
        "---",
        f"title: Page {letter_name(page)}",
        f"description: Synthetic benchmark page {letter_name(page)} with figure references for timing the build.",
        "summary: A synthetic page.",
        "---",
        "",
        "# Synthetic page",
        "",
    ]
    for ref in range(refs):
        figure_id = figure_ids[(page * refs + ref) % len(figure_ids)]
        if substitute is not None:
            shown = substitute.text(figure_id)
        elif variables:
            shown = "{{ " + figure_id + " }}"
        else:
            shown = "{{ figure('" + figure_id + "') }}"
        if ref % 5 == 0:
            lines += ["", "## Section", ""]
        lines.append(f"The measure reached {shown} in the period, according to the ministry's report.")
    if substitute is None and not variables and page == 0:
        lines.append("Source: {{ cite('synthetic-source') }}.")
    return "\n".join(lines) + "\n"


VARIANTS = ("plain", "naive", "project")
# Timed variants: the project twice, with its build cache warm (as from the second build on) and emptied before each run.
TIMED = ("plain", "naive", "project", "project cold")


def naive_variables(renderer: Renderer, figure_ids: list[str]) -> dict[str, object]:
    """The naive set-up's YAML: each figure's text as a nested variable (``synthetic.measure_000``)."""
    variables: dict[str, object] = {}
    for figure_id in figure_ids:
        group, _, name = figure_id.partition(".")
        variables.setdefault(group, {})[name] = renderer.text(figure_id)  # type: ignore[index]
    return variables


def make_projects(workdir: Path, pages: int, refs: int, figures: int = FIGURES) -> dict[str, Path]:
    """Write the three variants for ``pages`` x ``refs`` over ``figures`` figures; return their config files by variant."""
    roots = {variant: workdir / f"{variant}-{pages}" for variant in VARIANTS}
    project = roots["project"]
    project.mkdir(parents=True)
    for part in COPIED_PARTS:
        source = ROOT / part
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, project / part)
    data, source_text = synthetic_data(figures)
    (project / "data" / "sources").mkdir(parents=True)
    (project / "data" / "sources" / "synthetic.txt").write_text(source_text, encoding="utf-8")
    (project / "data" / "briefing.yml").write_text(
        yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    loaded = load_briefing(project / "data" / "briefing.yml")
    assert not loaded.problems, loaded.problems.report()
    renderer = Renderer(loaded, loaded.problems)
    figure_ids = list(loaded.figures)
    for root in roots.values():
        # The same assets (stylesheet, script, fonts) on every variant's pages.
        shutil.copytree(ROOT / "docs" / "assets", root / "docs" / "assets")
    (roots["naive"] / "data").mkdir()
    (roots["naive"] / "data" / "figures.yml").write_text(
        yaml.safe_dump(naive_variables(renderer, figure_ids), sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    renderer.begin_page("key-figures.md", "")
    for name in ("key-figures", "sources", "people", "timeline", "glossary"):
        # The same reference pages everywhere; plain and naive get the project's rendered markup.
        head = f"---\ntitle: {name}\ndescription: Generated reference page of the synthetic benchmark briefing.\nsummary: x\n---\n\n# {name}\n\n"
        macro = {"key-figures": "key_figures_table", "sources": "sources_list"}.get(name)
        (project / "docs" / f"{name}.md").write_text(
            head + ("{{ " + macro + "() }}\n" if macro else ""), encoding="utf-8"
        )
        rendered = str(getattr(renderer, macro)()) + "\n" if macro else ""
        for variant in ("plain", "naive"):
            (roots[variant] / "docs" / f"{name}.md").write_text(head + rendered, encoding="utf-8")
    for page in range(pages):
        name = f"page-{page:04d}.md"
        (project / "docs" / name).write_text(page_text(page, refs, figure_ids, None), encoding="utf-8")
        (roots["plain"] / "docs" / name).write_text(page_text(page, refs, figure_ids, renderer), encoding="utf-8")
        (roots["naive"] / "docs" / name).write_text(
            page_text(page, refs, figure_ids, None, variables=True), encoding="utf-8"
        )
    config = read_mkdocs_config(ROOT / "mkdocs.yml")
    config.pop("nav", None)
    config.pop("watch", None)
    config["site_dir"] = str(workdir / f"site-project-{pages}")
    config["validation"] = {"omitted_files": "ignore"}
    (project / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    plain = {
        "site_name": "Synthetic briefing",
        "site_url": "https://example.org/",
        "strict": True,
        "site_dir": str(workdir / f"site-plain-{pages}"),
        "theme": {"name": "material", "font": False, "features": config["theme"]["features"]},
        "extra_css": config.get("extra_css", []),
        "extra_javascript": config.get("extra_javascript", []),
        "plugins": ["search"],
        "markdown_extensions": config["markdown_extensions"],
    }
    (roots["plain"] / "mkdocs.yml").write_text(yaml.safe_dump(plain, sort_keys=False), encoding="utf-8")
    naive = {
        **plain,
        "site_dir": str(workdir / f"site-naive-{pages}"),
        "plugins": ["search", {"macros": {"include_yaml": ["data/figures.yml"]}}],
    }
    (roots["naive"] / "mkdocs.yml").write_text(yaml.safe_dump(naive, sort_keys=False), encoding="utf-8")
    return {variant: root / "mkdocs.yml" for variant, root in roots.items()}


def timed_build(config_file: Path, cache_dir: Path | None = None) -> tuple[float, float, float]:
    """Seconds, CPU seconds and peak MiB of one strict build in a fresh interpreter.

    ``cache_dir``: the project's build cache, emptied first (a cold build); by
    default the project's own ``.cache/briefing``, kept between runs (a warm one).
    """
    env = child_environment(PYTHONPATH=os.pathsep.join((str(config_file.parent), str(ROOT))))
    if cache_dir is not None:
        shutil.rmtree(cache_dir, ignore_errors=True)
        env["BRIEFING_CACHE_DIR"] = str(cache_dir)
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(config_file)],
        cwd=config_file.parent,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"build of {config_file} failed:\n{result.stdout}{result.stderr}")
    peak, cpu = result.stdout.strip().splitlines()[-1].split()
    return elapsed, float(cpu), int(peak) / 1024


def build_variant(variant: str, configs: dict[str, Path], cold_cache: Path) -> tuple[float, float, float]:
    """One timed build of a variant; "project cold" is the project with its build cache emptied first."""
    if variant == "project cold":
        return timed_build(configs["project"], cold_cache)
    return timed_build(configs[variant])


def compare(pages_list: list[int], refs: int, runs: int) -> list[dict[str, float]]:
    """Alternate the variants' builds for each N; return one result row per N."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="briefing-bench-") as tmp:
        for pages in pages_list:
            configs = make_projects(Path(tmp), pages, refs)
            cold_cache = Path(tmp) / f"cold-cache-{pages}"
            for variant in VARIANTS:
                build_variant(variant, configs, cold_cache)  # warm-up: the OS's file cache, bytecode, the build cache
            seconds: dict[str, list[float]] = {variant: [] for variant in TIMED}
            cpu: dict[str, list[float]] = {variant: [] for variant in TIMED}
            peaks: dict[str, list[float]] = {variant: [] for variant in TIMED}
            for run in range(runs):
                order = TIMED[run % len(TIMED) :] + TIMED[: run % len(TIMED)]  # who goes first rotates
                for variant in order:
                    elapsed, cpu_seconds, peak = build_variant(variant, configs, cold_cache)
                    seconds[variant].append(elapsed)
                    cpu[variant].append(cpu_seconds)
                    peaks[variant].append(peak)
            row: dict[str, float] = {"N": pages}
            row.update({f"{variant} s": statistics.median(seconds[variant]) for variant in TIMED})
            row.update({f"{variant} cpu s": statistics.median(cpu[variant]) for variant in TIMED})
            for variant in ("project", "project cold", "naive"):
                row[f"{variant}/plain"] = statistics.median(
                    v / b for v, b in zip(seconds[variant], seconds["plain"], strict=True)
                )
                row[f"{variant}/plain cpu"] = statistics.median(
                    v / b for v, b in zip(cpu[variant], cpu["plain"], strict=True)
                )
            row.update({f"{variant} MiB": max(peaks[variant]) for variant in TIMED})
            rows.append(row)
            print(f"  N={pages}: done", file=sys.stderr)
    return rows


def free_port() -> int:
    """A TCP port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def process_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) a running process has used so far; NaN where ``/proc`` is missing."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def edit_to_page_seconds(edits: int = 10) -> list[tuple[float, float]]:
    """Per edit of the data file: seconds until ``mkdocs serve`` serves the rebuilt page, and the CPU
    seconds the server used meanwhile (noticing the edit, rebuilding, serving)."""
    with tempfile.TemporaryDirectory(prefix="briefing-serve-") as tmp:
        project = Path(tmp) / "project"
        project.mkdir()
        for part in ("mkdocs.yml", "macros.py", "docs", "data", "hooks", "briefing", "overrides"):
            source = ROOT / part
            (shutil.copytree if source.is_dir() else shutil.copy2)(source, project / part)
        port = free_port()
        env = child_environment(PYTHONPATH=str(project))
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}", "--livereload"],
            cwd=project,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        mount = urllib.parse.urlsplit(str(read_mkdocs_config(project / "mkdocs.yml").get("site_url") or "/")).path
        url = f"http://127.0.0.1:{port}{mount.rstrip('/')}/key-figures/"
        times: list[tuple[float, float]] = []
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
            original = "    label: Meetings between Putin and Xi\n"
            if original not in text:
                raise RuntimeError(
                    f"the edit's anchor {original.strip()!r} is gone from data/briefing.yml: update the benchmark"
                )
            for edit in range(edits):
                marker = f"Benchmark edit marker {letter_name(edit)}"
                time.sleep(1.0)  # let the previous rebuild and the watcher settle
                start, cpu_start = time.perf_counter(), process_cpu_seconds(server.pid)
                data_file.write_text(text.replace(original, f"    label: {marker}\n", 1), encoding="utf-8")
                seconds = float("nan")
                while time.perf_counter() - start < 60:
                    try:
                        if marker in urllib.request.urlopen(url, timeout=2).read().decode("utf-8"):
                            seconds = time.perf_counter() - start
                            break
                    except OSError:
                        pass
                    time.sleep(0.02)
                times.append((seconds, process_cpu_seconds(server.pid) - cpu_start))
            return times
        finally:
            server.terminate()
            server.wait(timeout=10)


def publish_seconds(site: Path, cache: Path) -> tuple[float, float]:
    """Seconds and CPU seconds (the build and its MkDocs child) of one ``make build``
    (``python -m briefing.publish``) into ``site`` with the build cache ``cache``."""
    env = child_environment()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "briefing.publish", "--site", str(site), "--cache", str(cache)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return elapsed, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def real_briefing(runs: int = 5) -> dict[str, float]:
    """Times for the real briefing: publish cold and warm, PDF alone, edit to page."""
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="briefing-real-") as tmp:
        site, cache = Path(tmp) / "site", Path(tmp) / "cache"
        cold_seconds, cold_cpu = publish_seconds(site, cache)
        figures["make build, cold (empty cache) s"] = cold_seconds
        figures["make build, cold, CPU s"] = cold_cpu
        warm = [publish_seconds(site, cache) for _ in range(runs)]
        figures[f"make build, warm (nothing changed), median of {runs} s"] = statistics.median(w for w, _ in warm)
        figures["make build, warm, fastest s"] = min(w for w, _ in warm)
        figures["make build, warm, CPU s (median)"] = statistics.median(c for _, c in warm)
        env = child_environment()
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "briefing.pdf", "--site", str(site)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        figures["PDF alone s"] = time.perf_counter() - start
    edits = edit_to_page_seconds()
    figures[f"data edit -> rebuilt page in make serve, median of {len(edits)} s"] = statistics.median(
        w for w, _ in edits
    )
    figures["data edit -> rebuilt page, slowest s"] = max(w for w, _ in edits)
    figures["data edit -> rebuilt page, server CPU s (median)"] = statistics.median(c for _, c in edits)
    return figures


def markdown_table(rows: list[dict[str, float]]) -> str:
    """The comparison as Markdown tables: wall-clock seconds, then CPU seconds (less moved by other work)."""
    lines = [
        "| N | plain s | naive macros s | project s | project, cold cache s "
        "| project/plain | project cold/plain | naive/plain | peak MiB plain / naive / project / cold |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        lines.append(
            f"| {row['N']} | {row['plain s']:.2f} | {row['naive s']:.2f} | {row['project s']:.2f} | {row['project cold s']:.2f} "
            f"| {row['project/plain']:.2f} | {row['project cold/plain']:.2f} | {row['naive/plain']:.2f} "
            f"| {row['plain MiB']:.0f} / {row['naive MiB']:.0f} / {row['project MiB']:.0f} / {row['project cold MiB']:.0f} |"
        )
    lines += [
        "",
        "CPU seconds of the same runs (user + system, in the build's process):",
        "",
        "| N | plain | naive macros | project | project, cold cache | project/plain | project cold/plain | naive/plain |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        lines.append(
            f"| {row['N']} | {row['plain cpu s']:.2f} | {row['naive cpu s']:.2f} | {row['project cpu s']:.2f} "
            f"| {row['project cold cpu s']:.2f} | {row['project/plain cpu']:.2f} | {row['project cold/plain cpu']:.2f} "
            f"| {row['naive/plain cpu']:.2f} |"
        )
    return "\n".join(lines)


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, as ``uptime`` shows them."""
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def synthetic(args: argparse.Namespace) -> list[dict[str, float]]:
    """The three-variant comparison, printed as a table."""
    print(
        f"Synthetic briefings: M={args.refs} figure references per page, {args.runs} alternating runs "
        "(plain, naive, project, project with an empty cache; rotating) after a warm-up. "
        "Ratios are medians of the per-run ratios.\n"
    )
    rows = compare(args.pages, args.refs, args.runs)
    print(markdown_table(rows))
    return rows


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description="Benchmark the briefing build.")
    parser.add_argument(
        "--pages", nargs="+", type=int, default=[int(n) for n in os.environ.get("NS", "10 100 500").split()]
    )
    parser.add_argument("--refs", type=int, default=int(os.environ.get("M", "20")))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-real", action="store_true", help="only the synthetic comparison")
    parser.add_argument("--skip-synthetic", action="store_true", help="only the real briefing")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    args = parser.parse_args(argv)
    print(
        f"{os.cpu_count()} CPU(s); load average before: {load_average()}. Other work on the machine moves the "
        "seconds; the ratios come from the same alternating runs, and CPU seconds move less. Builds run in fresh "
        "interpreters with Python's default bytecode caching.\n"
    )
    results: dict[str, object] = {}
    if not args.skip_synthetic:
        results["synthetic"] = synthetic(args)
    if not args.skip_real:
        real = real_briefing()
        print("\nReal briefing:\n")
        print("| measure | seconds |\n| --- | ---: |")
        for name, value in real.items():
            print(f"| {name.removesuffix(' s')} | {value:.2f} |")
        results["real"] = real
    print(f"\nLoad average after: {load_average()}.")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
