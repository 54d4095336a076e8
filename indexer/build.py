"""Building and updating the index: read the sources, analyse in parallel, write with one Whoosh writer.

pyvi segmentation and country extraction run in worker processes (`prepare`); the main process only writes. After
the commit come what is derived from the written index: vocabulary, facet columns, decoded postings.
"""
from __future__ import annotations

import multiprocessing
import os
import time
from collections import deque
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Iterable, Iterator

from whoosh import index as whoosh_index

from indexer.article import Article, Rejection
from indexer.countries import extract_countries
from indexer.progress import ByteTracker, Progress
from indexer.schema import UNDATED, make_schema
from indexer.segment import mark_compounds
from indexer.sources import read_sources, total_bytes
from indexer.vocabulary import build_vocabulary
from indexer import columns, decoded, store

BATCH = 64
WRITER_MB = 256


@dataclass
class BuildReport:
    """What a build or an add did: counts, and every rejected record with its reason."""

    indexed: int = 0
    replaced: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        return (f"indexed {self.indexed:,}, replaced {self.replaced:,}, rejected {len(self.rejected):,} "
                f"in {self.seconds:.1f} s")


class StrictBuildFailed(RuntimeError):
    """--strict was given and some records were rejected; the current index was left as it was."""


def build(root: Path, sources: list[str], *, strict: bool = False, jobs: int | None = None) -> BuildReport:
    """Build a new index from the sources and publish it atomically; on any failure the old index keeps serving."""
    root = Path(root)
    with store.build_lock(root):
        building = store.new_generation(root)
        try:
            index = whoosh_index.create_in(str(building), make_schema())
            report = _write(index, sources, jobs=jobs, fresh=True)
            _check_strict(report, strict)
            store.publish(root, building)
        except BaseException:
            store.discard(building)
            raise
    return report


def add(root: Path, sources: list[str], *, strict: bool = False, jobs: int | None = None) -> BuildReport:
    """Add or replace (same id) articles in the current index; nothing is committed if --strict rejects."""
    root = Path(root)
    with store.build_lock(root):
        generation = store.current_generation(root)
        if generation is None:
            raise store.IndexUnavailable(f"no index at {root}: run `python -m indexer build --index {root} ...` first")
        index = whoosh_index.open_dir(str(generation))
        return _write(index, sources, jobs=jobs, fresh=False, strict=strict)


def _check_strict(report: BuildReport, strict: bool) -> None:
    if strict and report.rejected:
        raise StrictBuildFailed(f"--strict: {len(report.rejected)} record(s) rejected, the index was not changed")


def _write(index, sources: list[str], *, jobs: int | None, fresh: bool, strict: bool = False) -> BuildReport:
    started = time.monotonic()
    report = BuildReport()
    tracker = ByteTracker()
    progress = Progress(total_bytes(sources), tracker)
    articles = _accepted(read_sources(sources, tracker), report)
    jobs = jobs or os.cpu_count() or 1
    writer = _writer(index, jobs if fresh else 1)
    seen: set[str] = set()
    later: dict[str, dict] = {}  # Whoosh cannot replace a document it has not committed: these wait for a 2nd pass
    try:
        for doc in prepared(articles, jobs):
            if doc["id"] in seen:
                later[doc["id"]] = doc
                report.replaced += 1  # each later copy replaces the one before it
                continue
            seen.add(doc["id"])
            if not fresh and writer.delete_by_term("id", doc["id"]):
                report.replaced += 1
            writer.add_document(**doc)
            report.indexed += 1
            progress.update(report.indexed)
        _check_strict(report, strict)
    except BaseException:
        writer.cancel()
        raise
    finally:
        progress.close()
    writer.commit()
    _replace_later(index, later, report)
    folder = Path(index.storage.folder)
    build_vocabulary(index, folder)
    with index.reader() as reader:
        columns.save(reader, folder)
    decoded.save(folder, jobs)
    report.seconds = time.monotonic() - started
    return report


def _writer(index, procs: int):
    """A fresh build indexes in `procs` processes, each writing its own segment (kept apart: no final merge);
    an add, which must delete what it replaces, uses one writer. Segments stay separate files (not compound):
    Whoosh reads a compound file's parts by copying each into memory, the whole postings file included."""
    if procs > 1:
        return index.writer(procs=procs, multisegment=True, limitmb=WRITER_MB // procs, compound=False)
    return index.writer(limitmb=WRITER_MB, compound=False)


def _replace_later(index, later: dict[str, dict], report: BuildReport) -> None:
    if not later:
        return
    with index.writer(limitmb=WRITER_MB, compound=False) as writer:
        for doc in later.values():
            writer.update_document(**doc)


def _accepted(records: Iterable[Article | Rejection], report: BuildReport) -> Iterator[Article]:
    for record in records:
        if isinstance(record, Rejection):
            report.rejected.append(record)
        else:
            yield record


def prepared(articles: Iterable[Article], jobs: int | None = None) -> Iterator[dict]:
    """Whoosh documents for the articles, in order, analysed by `jobs` processes with a bounded queue."""
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1:
        yield from map(prepare, articles)
        return
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        pending: deque = deque()
        iterator = iter(articles)
        while batch := list(islice(iterator, BATCH * jobs)):
            pending.append(pool.map_async(prepare, batch, chunksize=BATCH // 4))
            if len(pending) > 2:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()


def prepare(article: Article) -> dict:
    """Everything index-time analysis adds to an article: its countries, and compounds marked for the analyzers."""
    countries = article.countries or extract_countries(article.title, article.body)
    return document(article, countries, mark_compounds(article.title), mark_compounds(article.body))


def document(article: Article, countries: Iterable[str], title: str, body: str) -> dict:
    """The Whoosh fields of one article: segmented text indexed, the original text stored for display."""
    doc = {
        "id": article.id,
        "title": title, "_stored_title": article.title, "title_exact": title, "title_cw": title,
        "body": body, "_stored_body": article.body, "body_exact": body, "body_cw": body,
        "year": article.date[:4] if article.date else UNDATED,
        "month": article.date[:7] if article.date else UNDATED,
    }
    optional = {"date": article.date, "countries": ",".join(sorted(countries)),
                "source": article.source, "category": article.category, "url": article.url}
    doc.update({name: value for name, value in optional.items() if value})
    return doc
