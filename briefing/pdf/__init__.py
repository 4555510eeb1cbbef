"""The PDF of the whole briefing, made from the built site with WeasyPrint.

The PDF is a view of the same build, never a second rendering of the data:
each page of the site's nav is read from its built HTML (the
``<article class="md-content__inner">`` MkDocs wrote), cleaned of what only
makes sense on screen, re-anchored so that its ids stay unique in one
document, and placed as a chapter in ``print/briefing.html.j2``. The cover
reads the data file's ``meta`` block. ``print/print.css`` lays it out; the
type is the bundled family the site uses (``assets/fonts/fonts.css``).

Nothing is fetched from the network. WeasyPrint gets a URL fetcher that
serves only files inside the built site; a page that needs anything else
(``https:``, ``data:``, a file outside the site) stops the build with a
message naming the page and the URL. So does a link to an anchor that the
PDF does not contain, and a font that is not one of the bundled ones.

``python -m briefing.publish`` runs :func:`write_site_pdf` as a post-build
step; ``python -m briefing.pdf --site site`` regenerates the PDF of an
already built site. The creation date is ``SOURCE_DATE_EPOCH``, so two
builds of the same sources give the same bytes.

The package is split at the build's seams, each module small and typed:

* :mod:`~briefing.pdf.project`: the nav's pages, the cover's text, the date;
* :mod:`~briefing.pdf.chapters`: built pages -> one HTML document (print rewrites
  in :mod:`briefing.pdf_markup`);
* :mod:`~briefing.pdf.rendering`: WeasyPrint, its messages, the fonts check;
  :mod:`~briefing.pdf.fetcher` serves it the site's files only;
* :mod:`~briefing.pdf.build`: the entry points, reporting through the ``briefing`` logger.

It imports nothing from :mod:`briefing.publish`; publish imports
:func:`write_site_pdf` from here when it runs its post-build steps.
"""

from __future__ import annotations

from briefing.pdf.build import build_pdf, main, write_site_pdf
from briefing.pdf.chapters import Chapter, Part, assemble, opening_parts
from briefing.pdf.errors import PdfError
from briefing.pdf.fetcher import SiteOnlyFetcher
from briefing.pdf.project import Cover, load_cover, nav_pages, read_config, source_date
from briefing.pdf.rendering import PdfReport, foreign_fonts, pdf_font_names, render

__all__ = [
    "Chapter",
    "Cover",
    "Part",
    "PdfError",
    "PdfReport",
    "SiteOnlyFetcher",
    "assemble",
    "build_pdf",
    "foreign_fonts",
    "load_cover",
    "main",
    "nav_pages",
    "opening_parts",
    "pdf_font_names",
    "read_config",
    "render",
    "source_date",
    "write_site_pdf",
]
