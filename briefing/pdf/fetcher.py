"""The URL fetcher WeasyPrint gets: files inside the built site (and the bundled fonts), nothing else.

Nothing is fetched from the network; a refused URL is remembered so that the
build fails naming every one, instead of WeasyPrint only logging it.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname


class SiteOnlyFetcher:
    """A WeasyPrint URL fetcher that serves files inside the given folders and refuses the rest.

    A refused URL is remembered (WeasyPrint would only log it) so that the
    build can fail afterwards naming every one of them.
    """

    def __init__(self, roots: Sequence[Path]) -> None:
        self.roots = [root.resolve() for root in roots]
        self.refused: list[str] = []

    def make(self) -> Any:
        """The fetcher object to hand to WeasyPrint."""
        from weasyprint.urls import URLFetcher, URLFetcherResponse

        owner = self

        class _Fetcher(URLFetcher):  # type: ignore[misc]
            def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
                path = owner.allowed_path(url)
                if path is None:
                    owner.refused.append(url if len(url) <= 120 else url[:117] + "...")
                    raise ValueError(f"refused {url[:120]}: only files inside the built site are served")
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})

        return _Fetcher()

    def allowed_path(self, url: str) -> Path | None:
        """The local file a URL names, if it is inside one of the roots."""
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return None
        path = Path(url2pathname(unquote(parts.path))).resolve()
        if not any(path.is_relative_to(root) for root in self.roots) or not path.is_file():
            return None
        return path
