"""Where the index lives on disk, and how a new build replaces the old one atomically.

INDEX is a directory holding generations (`gen-…`, each a Whoosh index) and a `current` symlink to the one serving.
A build writes a hidden `.building-…` directory and publishes it by renaming a new symlink over `current`, so a reader
sees the old index or the new one, never half of one; a killed build leaves only a hidden directory, swept next time.
"""
from __future__ import annotations

import errno
import fcntl
import os
import shutil
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

CURRENT = "current"
LOCK = "build.lock"
KEEP_OLD = 1  # a previous generation stays on disk for readers that still have it open


class IndexUnavailable(RuntimeError):
    """There is no usable index at this location; the message says what to run."""


class BuildLocked(RuntimeError):
    """Another build or add holds the index's lock."""


def current_generation(root: Path) -> Path | None:
    """The generation directory `current` points to, or None when no index was ever published."""
    link = Path(root) / CURRENT
    try:
        target = os.readlink(link)
    except OSError:
        return None
    path = Path(root) / target
    return path if path.is_dir() else None


@contextmanager
def build_lock(root: Path) -> Iterator[None]:
    """Hold the index's build lock for the duration; fail at once with BuildLocked if someone else holds it."""
    Path(root).mkdir(parents=True, exist_ok=True)
    with open(Path(root) / LOCK, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            if err.errno in (errno.EAGAIN, errno.EACCES):
                raise BuildLocked(f"another build or add is running on {root}; try again when it ends") from None
            raise
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def new_generation(root: Path) -> Path:
    """A fresh hidden directory to build into; leftovers of killed builds are swept first (the lock is held)."""
    for stale in Path(root).glob(".building-*"):
        shutil.rmtree(stale, ignore_errors=True)
    path = Path(root) / f".building-{time.strftime('%Y%m%dT%H%M%S')}-{time.time_ns() % 10**9:09d}-{os.getpid()}"
    path.mkdir(parents=True)
    return path


def publish(root: Path, building: Path) -> Path:
    """Make a finished build the current index in one atomic rename, then drop generations nobody needs."""
    root = Path(root)
    final = root / building.name.replace(".building-", "gen-", 1)
    os.rename(building, final)
    link = root / f".{CURRENT}.{os.getpid()}"
    if link.is_symlink():
        link.unlink()
    os.symlink(final.name, link)
    os.replace(link, root / CURRENT)
    _fsync_dir(root)
    _drop_old_generations(root, keep={final.name})
    return final


def discard(building: Path) -> None:
    """Remove an unfinished build; the current index is untouched."""
    shutil.rmtree(building, ignore_errors=True)


def _drop_old_generations(root: Path, keep: set[str]) -> None:
    generations = sorted((p for p in root.glob("gen-*") if p.name not in keep), key=lambda p: p.stat().st_mtime)
    for old in generations[: max(0, len(generations) - KEEP_OLD)]:
        shutil.rmtree(old, ignore_errors=True)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
