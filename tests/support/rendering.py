"""A renderer on the real data file (or a variant of it), for tests that call the macros directly."""

from __future__ import annotations

from briefing.data import BriefingData, load_briefing
from briefing.problems import Problems
from briefing.render import Renderer
from tests.conftest import DATA_FILE, allowed_numbers


def real_data() -> BriefingData:
    """The project's data file, loaded and checked as a build does."""
    return load_briefing(DATA_FILE, "data/briefing.yml", allowed_numbers())


def renderer(page: str | None = None, data: BriefingData | None = None) -> Renderer:
    """A renderer of ``data`` (default: the real data), rendering ``docs/<page>`` if a page is given."""
    subject = Renderer(real_data() if data is None else data, Problems())
    if page is not None:
        subject.begin_page(page, "")
    return subject
