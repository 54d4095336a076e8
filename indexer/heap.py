"""Keeping a build's memory down: the C heap's free memory given back, and phases run in processes of their own.

glibc keeps the pages of freed NumPy arrays and Python objects in its heap for reuse, so a build's resident memory
only grows: the merge and the vocabulary would then stack their own peaks on top of what ingestion left behind.
`malloc_trim(0)` returns every free page; it costs a few milliseconds, so it is called between phases, after each
sorted run and before each range of the merge, not per article. It cannot return pages that a few live objects pin,
nor pymalloc's arenas: a large build's merge and vocabulary run `apart`, in new processes.
"""
from __future__ import annotations

import functools
import multiprocessing
from typing import Callable

OWN_PROCESS_DOCS = 20_000  # a build of this many articles has its merge and its vocabulary each in a process of its own


def apart(target: Callable[..., None], args: tuple, what: str) -> None:
    """Call `target(*args)` in a new process and wait for it; if it fails, raise RuntimeError with `what` (what did
    not happen). Spawned, not forked: a forked process would start with this one's resident memory."""
    process = multiprocessing.get_context("spawn").Process(target=target, args=args)
    process.start()
    process.join()
    if process.exitcode != 0:
        raise RuntimeError(f"{what}: its process exited with {process.exitcode}")


def release() -> None:
    """Return the heap's free pages to the system, where the C library can (glibc); elsewhere do nothing."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim():
    import ctypes.util  # here: the search service imports this module (through the vocabulary), and never trims

    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # no C library by that name, or one without malloc_trim (musl, macOS)
        return None
