"""Child processes of a build die with it, so nothing writes into a folder a killed build left behind.

The publisher runs MkDocs in a child process and the PDF step lays the document
out in another (:mod:`briefing.pdf.budget`). If the build is killed (kill -9,
the CI runner's timeout), a child that lived on would go on writing into the
staging folder the next build removes; on Linux each child asks the kernel to
kill it when its parent dies.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys


def die_with_parent(parent: int | None = None) -> None:
    """In a child: be killed (SIGKILL) when the process that started it dies; nothing elsewhere than Linux.

    ``parent`` is that process's id: if it died before the request took effect, the child ends now.
    """
    if not sys.platform.startswith("linux"):
        return
    PR_SET_PDEATHSIG = 1  # noqa: N806 - linux/prctl.h
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if parent is not None and os.getppid() != parent:
        os._exit(1)
