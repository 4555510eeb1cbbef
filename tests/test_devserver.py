"""``make serve`` polls for edits every 0.1 s: MkDocs' own live-reload server, shortened by the serve hook."""

from __future__ import annotations

from pathlib import Path

from mkdocs.livereload import LiveReloadServer

from briefing.devserver import POLL_SECONDS, poll_faster


def test_the_watches_mkdocs_made_and_the_ones_it_makes_later_poll_faster(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "data").mkdir()
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path / "site"))
    server.watch(str(tmp_path / "docs"))  # before on_serve: the docs directory and mkdocs.yml
    assert [emitter.timeout for emitter in server.observer.emitters] == [0.5]
    assert poll_faster(server)
    server.watch(str(tmp_path / "data"))  # after on_serve: the `watch:` list of mkdocs.yml
    assert sorted(emitter.timeout for emitter in server.observer.emitters) == [POLL_SECONDS, POLL_SECONDS]


def test_an_unknown_server_is_left_alone() -> None:
    assert not poll_faster(object())
