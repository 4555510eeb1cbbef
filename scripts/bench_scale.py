"""Scale benchmark for hostile-sized input (issue 17): prints figures, asserts nothing.

- one figure referenced 5,000 times on one page (strict HTML build);
- 2,000 figures, each referenced once over 20 pages (strict HTML build);
- quote search: 300 quotes checked against a 2 MB source text (data loading only);
- optionally (``--pdf``) the PDF of the first two scenarios, time and peak memory.

Each build runs in a fresh interpreter (``briefing.bench.timed_build``), which
reports wall time and peak resident memory. Usage::

    .venv/bin/python scripts/bench_scale.py [--pdf]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefing import bench  # noqa: E402
from briefing.data import load_briefing  # noqa: E402


def html_build(workdir: Path, name: str, figures: int, pages: int, refs: int) -> Path:
    bench.FIGURES = figures
    config_file, _ = bench.make_projects(workdir / name, pages, refs)
    (config_file.parent / "docs" / "index.md").write_text(
        "---\ntitle: Home\ndescription: Synthetic briefing for the scale benchmark.\nsummary: x\n---\n\n# Synthetic briefing\n",
        encoding="utf-8",
    )
    shutil.copytree(ROOT / "docs" / "assets" / "fonts", config_file.parent / "docs" / "assets" / "fonts")
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    pages_in_order = sorted(path.name for path in (config_file.parent / "docs").glob("*.md") if path.name != "index.md")
    config["nav"] = ["index.md", *pages_in_order]  # the PDF takes its chapters from the nav
    config_file.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    seconds, peak = bench.timed_build(config_file)
    print(
        f"| {name} | {figures} figure(s), {pages} page(s) x {refs} reference(s) | HTML build {seconds:.1f} s | peak {peak:.0f} MiB |"
    )
    return config_file


def pdf_build(config_file: Path, name: str) -> None:
    child = (
        "import resource, sys, time\n"
        "from pathlib import Path\n"
        "from briefing.pdf import write_site_pdf\n"
        "project, site = Path(sys.argv[1]), Path(sys.argv[2])\n"
        "start = time.perf_counter()\n"
        "write_site_pdf(project, site)\n"
        "print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n"
    )
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    result = subprocess.run(
        [sys.executable, "-c", child, str(config_file.parent), config["site_dir"]],
        cwd=config_file.parent,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": os.pathsep.join((str(config_file.parent), str(ROOT))), "PATH": "/usr/bin:/bin"},
    )
    if result.returncode != 0:
        print(f"| {name} | PDF failed: {result.stderr.strip().splitlines()[-1:]} |")
        return
    seconds, peak = (float(part) for part in result.stdout.split()[-2:])
    print(f"| {name} | PDF {seconds:.1f} s | peak {peak:.0f} MiB |")


def quote_search(workdir: Path, quotes: int = 300, source_bytes: int = 2_000_000) -> None:
    data, _ = bench.synthetic_data(quotes)
    filler = "The ministry published its monthly statistics, and the committee discussed them at length. "
    sentences = [figure["quote"] for figure in data["figures"].values()]
    chunk = len(filler.encode()) * max(1, source_bytes // (len(filler) * len(sentences)))
    body = "".join(filler * (chunk // len(filler)) + sentence + "\n" for sentence in sentences)
    folder = workdir / "quotes" / "data"
    (folder / "sources").mkdir(parents=True)
    (folder / "sources" / "synthetic.txt").write_text(body, encoding="utf-8")
    (folder / "briefing.yml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    start = time.perf_counter()
    loaded = load_briefing(folder / "briefing.yml")
    seconds = time.perf_counter() - start
    assert not loaded.problems, loaded.problems.report()
    size = len(body.encode()) / 1e6
    print(
        f"| quote search | {quotes} quotes against a {size:.1f} MB source | load and check {seconds:.2f} s | "
        f"peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdf", action="store_true", help="also time the PDF of the two synthetic builds")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as temporary:
        workdir = Path(temporary)
        print("| scenario | size | time | memory |\n| --- | --- | --- | --- |")
        quote_search(workdir)
        one = html_build(workdir, "one figure x 5,000", figures=1, pages=1, refs=5000)
        many = html_build(workdir, "2,000 figures", figures=2000, pages=20, refs=100)
        if args.pdf:
            pdf_build(one, "one figure x 5,000")
            pdf_build(many, "2,000 figures")
    return 0


if __name__ == "__main__":
    sys.exit(main())
