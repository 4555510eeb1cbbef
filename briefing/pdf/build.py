"""The PDF build's entry points: :func:`build_pdf`, the post-build step and ``python -m briefing.pdf``.

Problems and WeasyPrint's warnings go to the project's logger, ``briefing``.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from briefing.downloads import PDF_PATH
from briefing.logs import to_terminal
from briefing.pdf.budget import budget_mib, within_budget
from briefing.pdf.chapters import FONTS_CSS, assemble
from briefing.pdf.errors import PdfError
from briefing.pdf.project import cover_from_meta, load_meta, nav_pages, read_config, source_date
from briefing.pdf.rendering import PdfReport, render

log = logging.getLogger("briefing")


def build_pdf(
    project_dir: Path, site_dir: Path, output: Path | None = None, html_copy: Path | None = None
) -> PdfReport:
    """Write the PDF of the whole briefing for the site built from ``project_dir`` into ``site_dir``."""
    if not (site_dir / "index.html").is_file():
        raise PdfError(f"PDF: {site_dir} is not a built site (no index.html): build it first (make build)")
    config = read_config(project_dir)
    fonts_css = project_dir / str(config.get("docs_dir") or "docs") / FONTS_CSS
    meta = load_meta(project_dir, config)  # read once: the data file may hold thousands of checked figures
    markup = assemble(
        site_dir,
        nav_pages(config),
        cover_from_meta(meta, config),
        source_date(project_dir, meta.updated),
        use_directory_urls=bool(config.get("use_directory_urls", True)),
        docs_dir=str(config.get("docs_dir") or "docs"),
        fonts_css=fonts_css,
    )
    if html_copy is not None:
        html_copy.write_text(markup, encoding="utf-8")
    return render(markup, site_dir, output or site_dir / PDF_PATH, fonts_dir=fonts_css.parent)


def report_result(report: PdfReport, shown_path: Path | str) -> None:
    """Log what a rendering produced: WeasyPrint's warnings, then the file written."""
    for warning in report.warnings:
        log.warning("PDF: WeasyPrint: %s", warning)
    log.info("PDF written: %s (%d pages, %s bytes)", shown_path, report.pages, f"{report.size:,}")


def write_site_pdf(project_dir: Path, site_dir: Path) -> None:
    """Post-build step of ``briefing.publish``: write ``downloads/briefing.pdf`` into the built site.

    A problem raises :class:`PdfError` for publish to report with the other steps' problems. The
    layout runs within the PDF's memory budget (:mod:`briefing.pdf.budget`).
    """
    report = within_budget(lambda: build_pdf(project_dir, site_dir), budget_mib())
    report_result(report, PDF_PATH)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: regenerate the PDF of an already built site."""
    parser = argparse.ArgumentParser(description="Write the PDF of an already built briefing site.")
    parser.add_argument("--site", default="site", help="the built site (default: site)")
    parser.add_argument("--project", default=".", help="the project directory holding mkdocs.yml (default: .)")
    parser.add_argument("--output", help=f"where to write the PDF (default: SITE/{PDF_PATH})")
    parser.add_argument("--html", help="also write the assembled HTML here, to inspect it")
    args = parser.parse_args(argv)
    project_dir = Path(args.project).resolve()
    site_dir = Path(args.site).resolve()
    output = Path(args.output).resolve() if args.output else site_dir / PDF_PATH
    with to_terminal():
        try:
            html_copy = Path(args.html) if args.html else None
            report = within_budget(lambda: build_pdf(project_dir, site_dir, output, html_copy), budget_mib())
        except PdfError as error:
            log.error("%s", error)
            return 1
        report_result(report, report.path)
    return 0
