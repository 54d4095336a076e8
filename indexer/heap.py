"""Giving the C heap's free memory back to the system during a build.

glibc keeps the pages of freed NumPy arrays and Python objects in its heap for reuse, so a build's resident memory
only grows: the merge and the vocabulary would then stack their own peaks on top of what ingestion left behind.
`malloc_trim(0)` returns every free page; it costs a few milliseconds, so it is called between phases, after each
sorted run and before each range of the merge, not per article.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import functools


def release() -> None:
    """Return the heap's free pages to the system, where the C library can (glibc); elsewhere do nothing."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # no C library by that name, or one without malloc_trim (musl, macOS)
        return None
