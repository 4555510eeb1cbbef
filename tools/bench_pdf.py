"""How long the PDF takes to make, and how big it is: the real briefing and a synthetic 100-chapter one.

    python -m tools.bench_pdf [--chapters 100] [--repeat 1] [--only real|synthetic] [--untagged] [--keep DIR]

(``make bench-pdf``.)
The real briefing is built with MkDocs into a temporary directory first (not
timed); then :func:`briefing.pdf.build_pdf` is timed on it. The synthetic
briefing is a built site made here: each chapter is an article like the ones
MkDocs writes, with figures and their source tips (footnotes), a table, a
list and an inline SVG chart, rendered by the same code
(:func:`briefing.pdf.assemble` and :func:`briefing.pdf.render`). Not a test:
it prints numbers to compare between changes. Each line gives the wall time
and the CPU time of the same run: on a shared machine the CPU time is the
steadier figure. The peak resident memory is the process's so far: the
synthetic line's covers both renderings unless ``--only synthetic``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from jinja2 import Environment, StrictUndefined
from markupsafe import Markup

from briefing import pdf as briefing_pdf
from briefing.navigation import NavEntry
from briefing.project import Project

ROOT = Path(__file__).resolve().parent.parent

# One synthetic chapter, in the markup the site's templates produce (briefing/templates/figure.html).
CHAPTER = Environment(autoescape=True, undefined=StrictUndefined).from_string("""\
<html lang="en"><body><div class="md-content"><article class="md-content__inner md-typeset">
<h1 id="chapter-{{ n }}">Chapter {{ n }}: {{ topic }}<a class="headerlink" href="#chapter-{{ n }}">&para;</a></h1>
<p>{{ sentence }} Trade reached {{ fig(1, "US$" ~ (100 + n) ~ " billion", "Turnover in year " ~ n) }} and grew
{{ fig(2, (n % 40) ~ "%", "Growth in year " ~ n) }} on a year earlier, according to
<a class="cite" href="../sources/#source-one">The Source, March 2023</a>.</p>
{% for section in range(3) %}
<h2 id="section-{{ section }}">Section {{ section + 1 }} of chapter {{ n }}<a class="headerlink" href="#section-{{ section }}">&para;</a></h2>
<p>{{ sentence }} {{ sentence }} The volume was {{ fig(3 + section, (10 + section) ~ "." ~ n ~ " bcm", "Volume " ~ section) }},
the source says. {{ sentence }} See <a href="../{{ next }}/">the next chapter</a> and
<a href="https://example.org/report-{{ n }}">the report</a>.</p>
<ul>{% for item in range(4) %}<li>{{ sentence }}</li>{% endfor %}</ul>
{% endfor %}
<figure class="chart" id="chart-{{ n }}"><figcaption><span class="chart__title">Chart {{ n }}</span>
<span class="chart__caption">Two bars.</span></figcaption><div class="chart__plot">
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 302 120"><defs><clipPath id="clip"><rect width="302" height="120"/></clipPath></defs>
<g clip-path="url(#clip)"><rect x="10" y="20" width="{{ 150 + n }}" height="30" style="fill: #3949ab"/>
<rect x="10" y="70" width="200" height="30" style="fill: #3949ab"/>
<text x="{{ 170 + n }}" y="40" style="font-size: 12px; font-family: 'DejaVu Sans'">{{ 150 + n }}</text>
<text x="220" y="90" style="font-size: 12px; font-family: 'DejaVu Sans'">200</text></g></svg></div></figure>
<table><thead><tr><th>Figure</th><th>Value</th><th>Period</th><th>Source</th></tr></thead><tbody>
{% for row in range(15) %}<tr><th>Row {{ row }} of chapter {{ n }}</th><td class="num">{{ row * n }}</td>
<td>2022</td><td>{{ sentence }}</td></tr>{% endfor %}</tbody></table>
</article></div></body></html>
""")
TIP = Environment(autoescape=True, undefined=StrictUndefined).from_string(
    '<span class="fig" data-figure="f{{ n }}.{{ k }}"><button type="button" class="fig__value" '
    'popovertarget="tip-{{ k }}">{{ value }}</button><small class="fig__tip pop" id="tip-{{ k }}" popover>'
    '<span class="fig__line fig__head"><span class="fig__label">{{ label }}</span> <span class="fig__period">(2022).</span></span>'
    ' <span class="fig__line fig__source">Source: The Source, March 2023:</span> <q class="fig__line fig__quote">{{ quote }}</q>'
    ' <span class="fig__line fig__links"><a href="#chapter-{{ n }}">Key figures entry</a></span>'
    "</small></span>"
)
SENTENCE = (
    "The article describes relations between the two countries as reaching a new level, "
    "with cooperation in trade, energy and technology."
)
QUOTE = "Last year trade turnover between the two countries reached a record, very close to the goal set for 2024."


def synthetic_site(root: Path, chapters: int) -> tuple[Path, list[NavEntry]]:
    """A built site of ``chapters`` pages plus a sources page, and its nav."""
    site = root / "site"
    shutil.copytree(ROOT / "docs" / "assets" / "fonts", site / "assets" / "fonts")
    pages = []
    for n in range(1, chapters + 1):

        def fig(k: int, value: str, label: str, n: int = n) -> Markup:
            return Markup(TIP.render(n=n, k=k, value=value, label=label, quote=QUOTE))  # noqa: S704 - our autoescaped template

        name = f"chapter-{n:03d}"
        following = f"chapter-{n + 1:03d}" if n < chapters else "chapter-001"
        (site / name).mkdir(parents=True)
        (site / name / "index.html").write_text(
            CHAPTER.render(n=n, topic="Trade and energy", sentence=SENTENCE, fig=fig, next=following), encoding="utf-8"
        )
        pages.append(NavEntry(f"Part {(n - 1) // 10 + 1}", f"Chapter {n}", f"{name}.md"))
    (site / "sources").mkdir()
    (site / "sources" / "index.html").write_text(
        '<html lang="en"><body><article class="md-content__inner"><h1 id="sources">Sources</h1>'
        '<p id="source-one">The Source, March 2023.</p></article></body></html>',
        encoding="utf-8",
    )
    pages.append(NavEntry("Reference", "Sources", "sources.md"))
    return site, pages


def report(name: str, seconds: list[tuple[float, float]], result: briefing_pdf.PdfReport) -> None:
    """One line: pages, size, best wall time and the CPU time of that run (steadier on a busy machine)."""
    wall, cpu = min(seconds)
    print(
        f"{name:<28} {result.pages:>5} pages  {result.size / 1024:>8.1f} KiB  "
        f"{wall:>7.2f} s (best of {len(seconds)}, CPU {cpu:.2f} s)  {wall / result.pages * 1000:>6.1f} ms/page  "
        f"CPU {cpu / result.pages * 1000:>6.1f} ms/page  "
        f"peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB (process so far)"
    )


def parse_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--chapters", type=int, default=100, help="chapters of the synthetic briefing")
    parser.add_argument("--repeat", type=int, default=1, help="renderings of each, best time reported")
    parser.add_argument(
        "--only", choices=("real", "synthetic"), help="only this briefing (its peak memory is then its own)"
    )
    parser.add_argument(
        "--untagged", action="store_true", help="synthetic PDF without structure tags, to see their cost"
    )
    parser.add_argument("--keep", type=Path, help="copy the PDFs into this folder, to look at them")
    return parser.parse_args(argv)


def synthetic_cover(chapters: int) -> briefing_pdf.Cover:
    """The synthetic briefing's cover."""
    return briefing_pdf.Cover(
        title="Synthetic briefing",
        subtitle=f"{chapters} chapters",
        as_of="22 March 2023",
        version="1.0.0",
        updated="27 November 2026",
        publisher="Bench",
        author="Bench",
        licence="CC BY 4.0",
        description="Benchmark",
        site_url="https://example.org/",
    )


def real_briefing(root: Path, repeat: int) -> briefing_pdf.PdfReport | None:
    """Build the real briefing's site (not timed), then time its PDF; None if the build failed."""
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(root / "real")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if built.returncode != 0:
        print(built.stdout + built.stderr, file=sys.stderr)
        return None
    seconds = []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = briefing_pdf.build_pdf(ROOT, root / "real", root / "real.pdf")
        seconds.append((time.perf_counter() - start, time.process_time() - start_cpu))
    report("real briefing", seconds, result)
    return result


def synthetic_briefing(
    root: Path, chapters: int, created: dt.datetime, repeat: int = 1, tagged: bool = True
) -> briefing_pdf.PdfReport:
    """Make the synthetic site of ``chapters`` chapters and time its PDF (assembling and rendering)."""
    site, pages = synthetic_site(root / "synthetic", chapters)
    seconds = []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        markup = briefing_pdf.assemble(site, pages, synthetic_cover(chapters), created)
        result = briefing_pdf.render(markup, site, root / "synthetic.pdf", tagged=tagged)
        seconds.append((time.perf_counter() - start, time.process_time() - start_cpu))
    report(f"synthetic, {chapters} chapters" + ("" if tagged else ", untagged"), seconds, result)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    args = parse_arguments(argv)
    if "SOURCE_DATE_EPOCH" not in os.environ:
        epoch = Project.load(ROOT).updated_epoch()
        if epoch is None:
            print("the data file has no valid meta.updated date; run make build to see why", file=sys.stderr)
            return 2
        os.environ["SOURCE_DATE_EPOCH"] = epoch
    created = dt.datetime.fromtimestamp(int(os.environ["SOURCE_DATE_EPOCH"]), dt.UTC)
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        if args.only != "synthetic" and real_briefing(root, args.repeat) is None:
            return 1
        if args.only != "real":
            synthetic_briefing(root, args.chapters, created, args.repeat, tagged=not args.untagged)
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for name in ("real.pdf", "synthetic.pdf"):
                if (root / name).is_file():
                    shutil.copy2(root / name, args.keep / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
