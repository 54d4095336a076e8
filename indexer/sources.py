"""Where news comes from: each SOURCE argument (a directory of raw pages, or a JSON Lines file) as a stream of records."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

from indexer.article import Article, Rejection
from indexer.jsonl import read_jsonl
from indexer.progress import ByteTracker
from indexer.rawpage import read_raw_page

JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".jsonl.xz")
RAW_SUFFIXES = (".txt",)


def source_files(sources: Iterable[str | Path]) -> Iterator[Path]:
    """The files the sources name, directories walked in sorted order; a missing path is yielded as it is."""
    for source in sources:
        path = Path(source)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and not _hidden(p, path))
        else:
            yield path


def read_sources(sources: Iterable[str | Path], tracker: ByteTracker | None = None) -> Iterator[Article | Rejection]:
    """Every article of every source, in a stable order, with a Rejection for whatever cannot be read."""
    tracker = tracker or ByteTracker()
    for path in source_files(sources):
        start = tracker.done
        if not path.is_file():
            yield Rejection(str(path), None, "no such file or directory")
        else:
            yield from read_file(path, tracker)
            tracker.done = start + path.stat().st_size


def read_file(path: Path, tracker: ByteTracker | None = None) -> Iterator[Article | Rejection]:
    """One file's records, chosen by its name: JSON Lines or a raw scraped page."""
    name = path.name.lower()
    if name.endswith(JSONL_SUFFIXES):
        yield from read_jsonl(path, tracker)
    elif name.endswith(RAW_SUFFIXES):
        yield read_raw_page(path)
    else:
        yield Rejection(str(path), None, "unknown file type: expected .txt (a raw page) or .jsonl[.gz|.xz]")


def total_bytes(sources: Iterable[str | Path]) -> int:
    """The size on disk of every source file: the unit of build progress."""
    return sum(p.stat().st_size for p in source_files(sources) if p.is_file())


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)
