"""Building and updating the index: read the sources, analyse in parallel, write in one process.

pyvi segmentation, country extraction and (for a build) the postings as arrays come from worker processes; the main
process only writes: a build's postings through `inversion`, an add's through Whoosh. After the commit come what is
derived from the written index: vocabulary, facet columns, and the decoding of postings Whoosh wrote.
"""
from __future__ import annotations

import multiprocessing
import os
import time
from collections import deque
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from itertools import compress, islice
from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy as np
from whoosh import index as whoosh_index

from indexer.article import Article, Rejection
from indexer.mentions import extract_countries
from indexer.numbering import Numbering
from indexer.progress import ByteTracker, Progress
from indexer.schema import UNDATED, make_schema
from indexer.segment import mark_all, mark_compounds
from indexer.sources import read_sources, total_bytes
from indexer.vocabulary import build_vocabulary
from indexer import codec, columns, decoded, heap, inversion, store
from indexer.inversion import Batch

BATCH = 64  # articles a build gives a worker at once; an add, a quarter of that
WRITER_MB = 256
STORED_WRITER_MB = 8  # a build's Whoosh writer pools the postings of ids and facet fields only


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
            report = _write_fresh(index, sources, jobs=jobs)
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
        return _write_added(index, sources, jobs=jobs, strict=strict)


def _check_strict(report: BuildReport, strict: bool) -> None:
    if strict and report.rejected:
        raise StrictBuildFailed(f"--strict: {len(report.rejected)} record(s) rejected, the index was not changed")


class _Run:
    """What a build or an add shares: the report, the progress line, and the ids already written."""

    def __init__(self, sources: list[str], jobs: int | None) -> None:
        self.started = time.monotonic()
        self.report = BuildReport()
        tracker = ByteTracker()
        self.progress = Progress(total_bytes(sources), tracker)
        self.articles = _accepted(read_sources(sources, tracker), self.report)
        self.jobs = jobs or os.cpu_count() or 1
        self.seen = Numbering()  # the ids, as keys: a set of str held 20 MB at the full corpus
        self.later: dict[str, dict] = {}  # Whoosh cannot replace a document it has not committed: a 2nd pass

    def first_times(self, ids: list[str], whole: Callable[[int], dict]) -> np.ndarray:
        """Which of the ids are new to the run; a later copy (the `whole` document of its place in `ids`) waits for
        the second pass, and replaces the first."""
        before = len(self.seen)
        numbers = self.seen.add([doc_id.encode() for doc_id in ids])
        first = np.zeros(len(ids), dtype=bool)
        first[np.unique(numbers, return_index=True)[1]] = True
        first &= numbers >= before
        for k in np.flatnonzero(~first).tolist():
            self.later[ids[k]] = whole(k)
            self.report.replaced += 1
        return first

    def finish(self, index) -> BuildReport:
        """After the commit: the second pass, then what is derived from the written index."""
        _replace_later(index, self.later)
        heap.release()  # what the writing and the merge freed: the vocabulary's peak is not added to theirs
        folder = Path(index.storage.folder)
        build_vocabulary(index, folder)
        with index.reader() as reader:
            columns.save(reader, folder)
        decoded.save(folder, self.jobs)
        self.report.seconds = time.monotonic() - self.started
        return self.report


def _write_fresh(index, sources: list[str], *, jobs: int | None) -> BuildReport:
    """A new index: postings inverted from the workers' arrays (`inversion`) into one segment's decoded files;
    Whoosh's writer, in this process, keeps only the stored fields, the ids and the facet columns."""
    run = _Run(sources, jobs)
    inverter = inversion.Inverter(Path(index.storage.folder) / ".inversion")
    with closing(inverter):
        with _writer(index, STORED_WRITER_MB) as writer, closing(run.progress):
            for articles, (countries, batch) in prepared_batches(run.articles, run.jobs):
                # a later copy of an id is analysed again here, whole: its worker sent back no text
                keep = run.first_times([a.id for a in articles], lambda k: prepare(articles[k]))
                for article, found in compress(zip(articles, countries), keep):
                    writer.add_document(**_stored_only(article, found))
                inverter.add(batch, keep)
                run.report.indexed += int(keep.sum())
                run.progress.update(run.report.indexed)
            segment = writer.newsegment.segment_id()
        # merged once Whoosh's writer has committed and let go of its memory
        inverter.finish(Path(index.storage.folder) / f"{decoded.PREFIX}{segment}")
    return run.finish(index)


def _write_added(index, sources: list[str], *, jobs: int | None, strict: bool) -> BuildReport:
    """Articles added to an index: Whoosh's writer indexes them, replacing those with the same id; their postings
    are decoded after the commit."""
    run = _Run(sources, jobs)
    with _writer(index) as writer, closing(run.progress):
        for doc in prepared(run.articles, run.jobs):
            if not run.first_times([doc["id"]], lambda _k, doc=doc: doc)[0]:
                continue
            if writer.delete_by_term("id", doc["id"]):
                run.report.replaced += 1
            writer.add_document(**doc)
            run.report.indexed += 1
            run.progress.update(run.report.indexed)
        _check_strict(run.report, strict)
    return run.finish(index)


@contextmanager
def _writer(index, limitmb: int = WRITER_MB) -> Iterator:
    """A Whoosh writer, committed when the block ends and cancelled if it raises. Segments are never merged: those
    of a build hold no postings in Whoosh, which a merge would rewrite from Whoosh's alone. They stay separate files,
    not compound: Whoosh reads a compound file's parts by copying each into memory."""
    writer = index.writer(limitmb=limitmb, compound=False, codec=codec.Codec())
    try:
        yield writer
    except BaseException:
        writer.cancel()
        raise
    writer.commit(merge=False)


def _stored_only(article: Article, countries: Iterable[str]) -> dict:
    """An article's Whoosh document in a fresh build: the text fields' postings are `inversion`'s, so they are
    given empty (their stored values, the original text, stay)."""
    doc = document(article, countries, "", "")
    return {name: value for name, value in doc.items() if name not in _INVERTED} | {"title": "", "body": ""}


_INVERTED = frozenset(name for name, _source, _form in inversion.FIELDS)


def _replace_later(index, later: dict[str, dict]) -> None:
    if later:
        with _writer(index) as writer:
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
    for _article, doc in _in_order(prepare, articles, jobs, BATCH // 4):
        yield doc


def prepared_batches(articles: Iterable[Article], jobs: int | None = None) \
        -> Iterator[tuple[list[Article], tuple[list[tuple[str, ...]], Batch]]]:
    """The articles in batches of BATCH, in order, each with what `prepare_batch` makes of it."""
    batches = iter(lambda: list(islice(articles, BATCH)), [])
    yield from _in_order(prepare_batch, batches, jobs, 1, ahead=1)


def _in_order(work, items: Iterable, jobs: int | None, chunksize: int, ahead: int = 4) -> Iterator[tuple]:
    """(item, `work` of it) for each item, in order, done by `jobs` processes with a bounded queue (up to three
    times `ahead` chunks of work per process). Only the items of that queue are held: `itertools.tee` kept them in
    blocks of 57 (at 50k articles, 16 of the 52 MB tracemalloc traced in the writing process mid-ingestion)."""
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1:
        yield from ((item, work(item)) for item in items)
        return
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        pending: deque = deque()
        iterator = iter(items)
        while chunk := list(islice(iterator, chunksize * ahead * jobs)):
            pending.append((chunk, pool.map_async(work, chunk, chunksize=chunksize)))
            if len(pending) > 2:
                yield from _paired(pending.popleft())
        while pending:
            yield from _paired(pending.popleft())


def _paired(sent: tuple) -> Iterator[tuple]:
    chunk, result = sent
    yield from zip(chunk, result.get())


def prepare_batch(articles: list[Article]) -> tuple[list[tuple[str, ...]], Batch]:
    """A build's worker's share: each article's countries, and the batch's postings, its texts segmented together.
    The texts are not sent back: the writing process has them, and stores nothing else of them."""
    marked = mark_all([text for article in articles for text in (article.title, article.body)])
    return [countries_of(article) for article in articles], inversion.analyse(list(zip(marked[::2], marked[1::2])))


def prepare(article: Article) -> dict:
    """The Whoosh document of an article, with everything index-time analysis adds (`annotate`)."""
    return document(article, *annotate(article))


def annotate(article: Article) -> tuple[tuple[str, ...], str, str]:
    """An article's countries, and its headline and body with compounds marked for the analyzers."""
    return countries_of(article), mark_compounds(article.title), mark_compounds(article.body)


def countries_of(article: Article) -> tuple[str, ...]:
    """The countries the article's file gives, or else those its text mentions."""
    return tuple(article.countries) or extract_countries(article.title, article.body)


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
