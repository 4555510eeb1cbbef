"""The one exception of the PDF build, shared by its modules so none imports another for it."""

from __future__ import annotations


class PdfError(Exception):
    """The PDF cannot be made; the message says why and where."""
