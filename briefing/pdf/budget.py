"""The PDF step's memory budget: WeasyPrint lays the document out in a child process that may not outgrow it.

WeasyPrint holds every laid-out page until it writes the file, so the PDF's
memory grows with the briefing: 133 MiB for the real one, about 1.1 GB for
2,000 figures, more than 7 GB for 20,000. A contributor's data file must not be
able to take the build machine's memory, so the PDF is made in a forked child
whose data segment may grow by at most the budget (``RLIMIT_DATA``;
``BRIEFING_PDF_MEMORY_MIB``, 2048 by default, ``off`` for none) past what the
build's process held when it forked (memory that process had freed is used
first, so the bound is the budget plus that, a few tens of MiB for ``make build``). Past it, the
allocation fails in the child, never in the build, and the build stops with
one message that says what happened and what to do; a child that dies
outright (a C library may abort when memory runs out) gives the same message.
The child's log records are handed to the build as they come, and its
problems and errors with their messages and tracebacks; a stopped build kills it.
Where there is no ``fork`` or no ``/proc`` (not Linux), the PDF is made in
process, without a budget.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import resource
import traceback
from collections.abc import Callable, Mapping
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar, cast

from briefing.children import die_with_parent
from briefing.pdf.errors import PdfError

BUDGET_VARIABLE = "BRIEFING_PDF_MEMORY_MIB"
DEFAULT_BUDGET_MIB = 2048
# The logger whose records the child hands back as they come (WeasyPrint's are in the report).
LOGGER = "briefing"
STATUS_FILE = Path("/proc/self/status")
T = TypeVar("T")


def budget_mib(environ: Mapping[str, str] = os.environ) -> int | None:
    """The budget in MiB from ``BRIEFING_PDF_MEMORY_MIB`` (default 2048); None when it is ``off``."""
    text = environ.get(BUDGET_VARIABLE, "").strip()
    if not text:
        return DEFAULT_BUDGET_MIB
    if text.lower() == "off":
        return None
    if not text.isdigit() or int(text) < 1:
        raise PdfError(f"{BUDGET_VARIABLE}={text!r}: give the PDF step's memory budget in MiB (e.g. 2048), or 'off'")
    return int(text)


def _data_segment_bytes() -> int:
    """This process's data segment now (``VmData``): what ``RLIMIT_DATA`` counts."""
    for line in STATUS_FILE.read_text(encoding="ascii").splitlines():
        if line.startswith("VmData:"):
            return int(line.split()[1]) * 1024
    raise OSError(f"no VmData in {STATUS_FILE}")


class _Forward(logging.Handler):
    """Sends each of the child's log records to the build as it comes, reduced to what pickles."""

    def __init__(self, connection: Connection) -> None:
        super().__init__()
        self.connection = connection

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.exc_info:
            message += "\n" + "".join(traceback.format_exception(*record.exc_info)).rstrip()
        fields = {"name": record.name, "levelno": record.levelno, "levelname": record.levelname, "msg": message}
        self.connection.send(("log", logging.makeLogRecord({**fields, "created": record.created})))


def _child(function: Callable[[], Any], budget: int, parent: int, connection: Connection) -> None:
    die_with_parent(parent)
    logger = logging.getLogger(LOGGER)
    logger.handlers = [_Forward(connection)]
    logger.propagate = False
    outcome: tuple[str, Any]
    try:
        _, hard = resource.getrlimit(resource.RLIMIT_DATA)
        limit = _data_segment_bytes() + budget * 2**20
        resource.setrlimit(resource.RLIMIT_DATA, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
        outcome = ("result", function())
    except MemoryError:
        outcome = ("memory", None)
    except PdfError as error:
        outcome = ("problem", str(error))
    except BaseException as error:  # noqa: BLE001 - told to the build with its traceback, never lost
        outcome = ("error", "".join(traceback.format_exception(error)).rstrip())
    try:
        connection.send(outcome)
    except Exception:  # noqa: BLE001 - a result that cannot be pickled is an error of its own
        connection.send(("error", traceback.format_exc().rstrip()))
    connection.close()


def over_budget(budget: int) -> PdfError:
    """The message of a PDF that needed more memory than its budget."""
    return PdfError(
        f"PDF: making the PDF needed more than its memory budget of {budget} MiB: the briefing is too large to lay "
        f"out in that much memory. Split it into smaller briefings, or give the build more on a machine that has "
        f"it: {BUDGET_VARIABLE}=4096 (or 'off')"
    )


def died(budget: int, exit_code: int | None) -> PdfError:
    """The message of a child that stopped without a word: most likely memory, which C libraries abort on."""
    return PdfError(
        f"PDF: the process making the PDF stopped (exit status {exit_code}) inside its memory budget of {budget} MiB; "
        f"most likely it ran out of that memory (a C library may abort rather than report it). If the briefing is "
        f"very large, split it, or give the build more: {BUDGET_VARIABLE}=4096 (or 'off')"
    )


def within_budget(function: Callable[[], T], budget: int | None) -> T:
    """``function()`` run in a forked child whose data segment may grow by ``budget`` MiB; its result or error."""
    if budget is None or not hasattr(os, "fork") or not STATUS_FILE.is_file():
        return function()
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(
        target=_child, args=(function, budget, os.getpid(), sending), name="briefing-pdf", daemon=True
    )
    child.start()
    sending.close()
    kind: str = "died"
    value: Any = None
    try:
        while True:
            try:
                kind, value = receiving.recv()
            except EOFError:
                kind, value = "died", None
                break
            if kind != "log":
                break
            logging.getLogger(value.name).handle(value)
    finally:
        receiving.close()
        if child.is_alive() and kind in ("died", "log"):  # the build was stopped (SIGTERM, Ctrl-C) while waiting
            child.kill()
        child.join()
    if kind == "result":
        return cast("T", value)
    if kind == "memory":
        raise over_budget(budget)
    if kind == "problem":
        raise PdfError(value)
    if kind == "error":
        raise RuntimeError(f"PDF: the step failed in its process:\n{value}")
    raise died(budget, child.exitcode)
