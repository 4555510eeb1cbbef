"""The log contract: every step of a build reports through one logger, ``briefing``.

Modules log to ``logging.getLogger("briefing")`` or a child of it
(``briefing.publish``, named in full: a module run with ``python -m`` is ``__main__``),
never with ``print()``, so a test reads what a step said with ``caplog`` and a
command decides once where the messages go. What each level means:

- ``INFO``: what a step did (site written, PDF written, steps replayed from the cache);
- ``WARNING``: something a person should look at, while the build went on
  (a folder left by a stopped build removed, an old site that could not be deleted);
- ``ERROR``: why the build failed and what was left as it was.

Inside MkDocs the engine also logs to ``mkdocs.plugins.briefing``, MkDocs' own
logger, on purpose: a warning there fails a ``--strict`` build. The command-line
entry points (``python -m briefing.publish``, ``python -m briefing.editions``)
attach :func:`to_terminal`, which prints each message as plain text, without a
level or logger prefix: information on standard output, warnings and errors on
standard error, as the commands always have.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager

LOGGER_NAME = "briefing"


class TerminalHandler(logging.Handler):
    """Write each record's message alone: below WARNING to standard output, the rest to standard error.

    The streams are looked up when a record is written, not when the handler is made,
    so a redirected ``sys.stdout`` (pytest's ``capsys``) receives what follows.
    """

    def __init__(self, level: int = logging.NOTSET) -> None:
        super().__init__(level)
        self.setFormatter(logging.Formatter("%(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        """Write the formatted record and a newline to the stream its level belongs on."""
        stream = sys.stdout if record.levelno < logging.WARNING else sys.stderr
        try:
            stream.write(self.format(record) + "\n")
            stream.flush()
        except (OSError, ValueError):  # a closed or broken stream: logging's own way to report it
            self.handleError(record)


@contextmanager
def to_terminal(level: int = logging.INFO) -> Iterator[TerminalHandler]:
    """Show the ``briefing`` logger's messages of ``level`` and above on the terminal while the block runs."""
    logger = logging.getLogger(LOGGER_NAME)
    handler = TerminalHandler(level)
    previous_level = logger.level
    logger.addHandler(handler)
    if previous_level == logging.NOTSET or previous_level > level:
        logger.setLevel(level)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous_level)
