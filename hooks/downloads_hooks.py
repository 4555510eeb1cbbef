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

import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

log = logging.getLogger("mkdocs.plugins.briefing")


def on_post_build(config: MkDocsConfig) -> None:
    from briefing.downloads import write_changed  # imported here: see briefing_hooks.on_config
    from briefing.site import context_for

    context = context_for(config)
    if not context.data.readable or context.failed:
        return
    charts = context.renderer.rendered_charts()
    files = context.download_files(charts)
    written = write_changed(Path(config.site_dir), files)
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
