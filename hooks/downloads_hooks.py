"""MkDocs hook: write the briefing's downloads into the built site.

After a successful build (``on_env`` in ``briefing_hooks.py`` stops a build
with problems before anything is written), put the figures as CSV and JSON,
every chart as SVG, PNG and CSV, and the citation files under ``downloads/``
of the site. The charts the pages drew are reused, not drawn again, and a
file is written only when its bytes change, so ``mkdocs serve`` does not
rewrite them on every edit. The files themselves come from
:mod:`briefing.downloads`.
"""

from __future__ import annotations

import gzip
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.config.defaults import MkDocsConfig

if TYPE_CHECKING:
    from briefing.site import BuildContext

log = logging.getLogger("mkdocs.plugins.briefing")


def _redate_sitemap(site_dir: Path, config: MkDocsConfig, context: BuildContext) -> None:
    """Give each page of the sitemap its own date of last change (MkDocs writes the build date)."""
    from briefing.editions import sitemap_with_page_dates  # imported here: see briefing_hooks.on_config
    from briefing.navigation import page_url

    sitemap = site_dir / "sitemap.xml"
    if not sitemap.is_file():
        return
    base = (config.site_url or "/").rstrip("/") + "/"
    dates = {base + page_url(src, config.use_directory_urls): date for src, date in context.page_dates().items()}
    text = sitemap_with_page_dates(sitemap.read_text(encoding="utf-8"), dates)
    sitemap.write_text(text, encoding="utf-8")
    # The compressed copy MkDocs writes beside it, with a fixed timestamp so builds stay byte-identical.
    with (
        (site_dir / "sitemap.xml.gz").open("wb") as target,
        gzip.GzipFile(fileobj=target, mode="wb", mtime=0, filename="") as compressed,
    ):
        compressed.write(text.encode("utf-8"))


def on_post_build(config: MkDocsConfig) -> None:
    from briefing.editions import SITE_EDITIONS_DIR
    from briefing.fileio import write_changed  # imported here: see briefing_hooks.on_config
    from briefing.site import context_for

    context = context_for(config)
    if not context.data.readable or context.failed:
        return
    charts = context.renderer.rendered_charts()
    files = context.download_files(charts)
    for edition in context.editions:
        if edition.pdf is not None and context.data.meta and edition.version != context.data.meta.version:
            files[f"{SITE_EDITIONS_DIR}/briefing-{edition.version}.pdf"] = edition.pdf.read_bytes()  # as published
    written = write_changed(Path(config.site_dir), files)
    _redate_sitemap(Path(config.site_dir), config, context)
    drawn = {chart_id: chart for chart_id, chart in charts.items() if chart.drawn}
    log.info(
        "briefing: %d chart(s), %d drawn in %.2f s (%s), %d unchanged; %d download(s), %d written",
        len(charts),
        len(drawn),
        sum(chart.seconds for chart in drawn.values()),
        ", ".join(f"{chart_id} {chart.seconds:.2f} s" for chart_id, chart in drawn.items()) or "none",
        len(charts) - len(drawn),
        len(files),
        len(written),
    )
