"""What a build takes from the build cache besides templates and charts: the checked data, texts, downloads.

With nothing changed, a build still spent most of its fixed time reading and
validating ``data/briefing.yml`` against the source texts, loading Babel's
locale data to format the same numbers and dates, and making the same
download files. Each is a pure function of inputs that are part of its key
(see :mod:`briefing.buildcache`), so it is stored once and read back:

- the checked data (:func:`load_data`), keyed by the data file's bytes and
  checked against the hash of every source text it quoted;
- the texts :mod:`briefing.formatting` made (:func:`load_formatting_memo`,
  :func:`save_formatting_memo`), keyed by the code and library versions;
- the download files (:func:`cached_download_files`), keyed by the data and
  the charts' bytes;
- the results of checks that read only what they are given (:class:`CheckMemo`):
  the sandbox's reading of each page's template, the last-line check of each
  built page, keyed by the digest of what they read.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from briefing import formatting
from briefing.buildcache import CODE_DIGEST, BuildCache, digest, installed_versions
from briefing.charts import RenderedChart
from briefing.downloads import EntryChanges, download_files
from briefing.entries import BriefingData

CHECKS_KIND = "checks"
DATA_KIND = "data"
FORMATTING_KIND = "formatting"
T = TypeVar("T")
DOWNLOADS_KIND = "downloads"


def _file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "missing"


def load_briefing(path: Path, display_path: str, allowed_numbers: frozenset[str]) -> BriefingData:
    """The data file checked now: :func:`briefing.data.load_briefing`, imported when first needed."""
    from briefing import data

    return data.load_briefing(path, display_path, allowed_numbers)


def load_data(
    path: Path, display_path: str, cache: BuildCache | None, allowed_numbers: frozenset[str] = frozenset()
) -> tuple[BriefingData, str | None]:
    """The data file loaded and checked, and a digest of everything it was made from (None without a cache).

    From the build cache when neither the data file nor a source text it quotes
    changed. What a build later adds to the data's problems is not stored.
    The loader (and with it pydantic) is imported only when the data must be checked.
    """
    if cache is None:
        return load_briefing(path, display_path, allowed_numbers), None
    try:
        key = digest(
            CODE_DIGEST, installed_versions(), display_path, str(path), repr(sorted(allowed_numbers)), path.read_bytes()
        )
    except OSError:
        return load_briefing(path, display_path, allowed_numbers), None  # reported, located, by the loader
    stored = cache.get(DATA_KIND, key)
    if stored is not None:
        try:
            inputs = json.loads(stored["inputs"])
            if all(_file_digest(Path(name)) == sha for name, sha in inputs.items()):
                data = pickle.loads(stored["data"])  # noqa: S301 - an entry this user's builds wrote (HMAC-checked)
                if isinstance(data, BriefingData):
                    return data, digest(key, stored["inputs"])
        except (KeyError, ValueError, TypeError, pickle.UnpicklingError, AttributeError, ImportError):
            pass
        cache.stale(DATA_KIND)
    data = load_briefing(path, display_path, allowed_numbers)
    texts = [path.parent / source.text for source in data.sources.values()]
    inputs = json.dumps({str(text): _file_digest(text) for text in texts}, sort_keys=True).encode("utf-8")
    cache.put(DATA_KIND, key, {"inputs": inputs, "data": pickle.dumps(data)})
    return data, digest(key, inputs)


@dataclass(frozen=True)
class FormattingMemo:
    """Where a build's formatted texts are stored, and which it found there."""

    key: str
    loaded: frozenset[str]


def load_formatting_memo(cache: BuildCache | None) -> FormattingMemo | None:
    """Give :mod:`briefing.formatting` the texts earlier builds made; start recording this build's."""
    formatting.MEMO_USED.clear()
    if cache is None:
        return None
    key = digest(CODE_DIGEST, installed_versions())
    stored = cache.get(FORMATTING_KIND, key)
    texts: object = {}
    if stored is not None:
        try:
            texts = json.loads(stored["texts"])
        except (KeyError, ValueError):
            texts = {}
    if not isinstance(texts, dict):
        texts = {}
    formatting.MEMO.update({str(name): str(text) for name, text in texts.items()})
    return FormattingMemo(key, frozenset(str(name) for name in texts))


def save_formatting_memo(cache: BuildCache, memo: FormattingMemo | None) -> None:
    """Store the texts this build used, if they are not exactly the ones it found."""
    used = formatting.MEMO_USED
    if memo is None or not used or used == memo.loaded:
        return
    texts = {name: formatting.MEMO[name] for name in sorted(used) if name in formatting.MEMO}
    cache.put(FORMATTING_KIND, memo.key, {"texts": json.dumps(texts, ensure_ascii=False).encode("utf-8")})


def cached_download_files(
    data: BriefingData,
    data_identity: str | None,
    charts: Mapping[str, RenderedChart],
    cache: BuildCache | None,
    changes: EntryChanges | None = None,
) -> dict[str, bytes]:
    """:func:`briefing.downloads.download_files`, from the build cache when the data, changes and charts are unchanged."""
    if cache is None or data_identity is None:
        return download_files(data, charts, changes)
    chart_digests = [
        digest(chart_id, chart.svg, chart.png, chart.csv, *chart.inline_svgs.values())
        for chart_id, chart in sorted(charts.items())
    ]
    # The edition's change log (figure id -> date, kind, former value) is part of what the files say.
    key = digest(
        CODE_DIGEST, installed_versions(), data_identity, repr(sorted((changes or {}).items())), *chart_digests
    )
    stored = cache.get(DOWNLOADS_KIND, key)
    if stored is not None:
        return dict(sorted(stored.items()))
    files = download_files(data, charts, changes)
    cache.put(DOWNLOADS_KIND, key, files)
    return files


class CheckMemo:
    """Results of deterministic checks by the digest of their inputs, kept between builds.

    A check whose code (part of the key) and input did not change gives the same
    result; a build stores the results it used, so the entry stays the size of one build.
    """

    def __init__(self, cache: BuildCache | None) -> None:
        self.cache = cache
        self.key = digest(CODE_DIGEST, installed_versions())
        self.known: dict[str, Any] = {}
        self.used: dict[str, Any] = {}
        self.loaded: frozenset[str] = frozenset()
        if cache is None:
            return
        stored = cache.get(CHECKS_KIND, self.key)
        if stored is not None:
            try:
                known = json.loads(stored["results"])
            except (KeyError, ValueError):
                known = {}
            if isinstance(known, dict):
                self.known = known
                self.loaded = frozenset(known)

    def result(self, check: Callable[[], T], *inputs: str) -> T | Any:
        """``check()``, or its stored result for the same ``inputs`` (results must be JSON values)."""
        name = digest(*inputs)
        if name in self.known:
            value = self.known[name]
        else:
            value = self.known[name] = check()
        self.used[name] = value
        return value

    def save(self) -> None:
        """Store the results this build used, if they are not exactly the ones it found."""
        if self.cache is None or not self.used or frozenset(self.used) == self.loaded:
            return
        self.cache.put(CHECKS_KIND, self.key, {"results": json.dumps(self.used, sort_keys=True).encode("utf-8")})
