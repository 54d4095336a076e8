"""Posting lists written straight from the analysis, as the decoded files of a segment (`decoded`), for a fresh build.

Whoosh's writer passes every posting through Python objects twice (its pool, then its postings blocks), and the
decoding read them back once more: two thirds of the build's time. Here worker processes turn a batch of
articles into flat arrays (`Batch`); the writing process gives each term a number, keeps sorted runs of postings
on disk, and merges them with NumPy into the files queries slice (`Inverter`). Whoosh keeps the stored fields and
the facet columns.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from itertools import chain, count
from pathlib import Path
from typing import Callable

import numpy as np
from whoosh.util.numeric import _length_byte_cache

from indexer import analysis, decoded, heap
from indexer.numbering import Numbering
from indexer.schema import SyllableText, make_schema

# (field, the article's text it indexes, its form): the text fields of the schema
FIELDS = tuple((name, name.split("_")[0], field.form) for name, field in make_schema().items()
               if isinstance(field, SyllableText))
RUN_POSTINGS = 250_000    # postings kept in memory before a sorted run goes to disk
MERGE_POSTINGS = 500_000  # postings and positions merged at once when the runs are combined
POSITIONAL = frozenset(name for name, _source, form in FIELDS if form == "folded")
_POSITIONAL_PREFIXES = tuple(f"{name}\0".encode() for name in sorted(POSITIONAL))
_LENGTH_BYTES = np.array(_length_byte_cache, dtype=np.int64)


@dataclass
class Batch:
    """Consecutive articles analysed into postings: term numbers local to the batch (`terms`), document numbers
    local to it, term frequencies, each posting's positions (folded fields only) and each document's field lengths."""

    terms: bytes              # the "field\0text" of each local number, UTF-8, a line each (one object to send)
    term: np.ndarray          # int32, per posting
    doc: np.ndarray           # int32, per posting
    weight: np.ndarray        # int32, per posting: the term's frequency in the field
    npos: np.ndarray          # int32, per posting: how many positions it has (its weight, or 0)
    positions: np.ndarray     # int32, the postings' positions one after the other
    lengths: np.ndarray       # int64 (documents × FIELDS): tokens per field, as Whoosh counts a field's length


def analyse(texts: list[tuple[str, str]]) -> Batch:
    """The postings of each (title, body) pair, both already marked by segmentation: a field at a time over the
    whole batch, each distinct word mapped and numbered once and the postings grouped with NumPy (article by article,
    with a Python step per word, this was a third of a worker's time)."""
    found: dict[tuple[int, bool], list[list[str]]] = {}
    blocks, parts, base = [], [], 0
    lengths = np.zeros((len(texts), len(FIELDS)), dtype=np.int64)
    for f, (name, source, form) in enumerate(FIELDS):
        key = (0 if source == "title" else 1, form == "compound")  # folded and exact fields share their syllables
        if key not in found:
            found[key] = [analysis.words_of(form, pair[key[0]]) for pair in texts]
        terms, (term, doc, weight, npos, positions), lengths[:, f] = \
            _grouped(found[key], analysis.term_of(form), form == "folded")
        if terms:
            blocks.append(f"{name}\0" + f"\n{name}\0".join(terms))
        parts.append((term + base, doc, weight, npos, positions))
        base += len(terms)
    term, doc, weight, npos, positions = (np.concatenate(arrays).astype(np.int32) for arrays in zip(*parts))
    return Batch(_lines(blocks, base), term, doc, weight, npos, positions, lengths)


def _grouped(words: list[list[str]], term_of: Callable[[str], str], positional: bool) \
        -> tuple[list[str], tuple[np.ndarray, ...], np.ndarray]:
    """One field over a batch, from each document's words as written: its terms in order of first occurrence, its
    postings (term, document, weight, count of positions, the positions) and each document's length."""
    flat = list(chain.from_iterable(words))
    distinct = dict(zip(dict.fromkeys(flat), count()))
    forms = list(map(term_of, distinct))
    terms = dict.fromkeys(forms)
    terms.pop("", None)  # a word that folds to nothing keeps its place, and has no posting
    numbers = dict(zip(terms, count()))
    numbers[""] = dropped = len(terms)
    ids = np.fromiter(map(numbers.__getitem__, forms), np.int64, len(forms))[
        np.fromiter(map(distinct.__getitem__, flat), np.int64, len(flat))]
    sizes = np.fromiter(map(len, words), np.int64, len(words))
    keys = np.repeat(np.arange(len(words)) * (dropped + 1), sizes) + ids
    order = np.argsort(keys, kind="stable")  # by document, then term; positions ascending within each
    kept = order[ids[order] != dropped]
    keys = keys[kept]
    starts = np.flatnonzero(np.diff(keys, prepend=keys[:1] - 1))
    weight = np.diff(starts, append=len(keys))
    doc, term = np.divmod(keys[starts], dropped + 1)
    if positional:
        positions, npos = (np.arange(len(flat)) - np.repeat(np.cumsum(sizes) - sizes, sizes))[kept], weight
    else:
        positions, npos = kept[:0], np.zeros_like(weight)
    return list(terms), (term, doc, weight, npos, positions), np.bincount(doc, weights=weight, minlength=len(words))


def _lines(blocks: list[str], terms: int) -> bytes:
    data = "\n".join(blocks).encode("utf-8")
    if data.count(b"\n") != max(terms - 1, 0):
        raise ValueError("a term holds a line break")  # syllables and words never do: the analyzers' patterns
    return data


class Inverter:
    """Collects batches in document order and writes one segment's decoded postings (`finish`)."""

    def __init__(self, scratch: Path) -> None:
        """`scratch`: a directory to create for the sorted runs (beside the index: a full corpus's runs take 2 GB,
        too much for a /tmp in memory); removed by `finish` or `close`."""
        self.terms = Numbering()  # each term's number, from its "field\0text" in UTF-8
        self._texts: list[tuple[bytes, np.ndarray]] = []  # the terms in number order: per batch, joined and sizes
        self.docs = 0
        self._pending: dict[str, list[np.ndarray]] = {name: [] for name in _SortedRun.NAMES}
        self._pending_postings = 0
        self._length_codes: list[np.ndarray] = []  # uint8 (documents × FIELDS): what the files keep of the lengths
        self._total_lengths = np.zeros(len(FIELDS), dtype=np.int64)
        self._runs: list[_SortedRun] = []
        self._max_weight = 0
        self._tmp = Path(scratch)
        self._tmp.mkdir()

    def add(self, batch: Batch, keep: np.ndarray | None = None) -> None:
        """Append the batch's documents (only those `keep` marks, when given) after those already added."""
        global_terms = self._numbered(batch.terms.split(b"\n") if batch.terms else [])
        term, doc, weight, npos, positions, lengths = \
            global_terms[batch.term], batch.doc, batch.weight, batch.npos, batch.positions, batch.lengths
        if keep is not None and not keep.all():
            kept = keep[doc]
            positions = positions[np.repeat(kept, npos)]
            renumbered = np.cumsum(keep, dtype=np.int32) - 1
            term, doc, weight, npos = term[kept], renumbered[doc[kept]], weight[kept], npos[kept]
            lengths = lengths[keep]
        if len(weight):
            self._max_weight = max(self._max_weight, int(weight.max()))
        for name, values in zip(_SortedRun.NAMES, (term, doc + np.int32(self.docs), weight, npos, positions)):
            self._pending[name].append(values)
        self._pending_postings += len(term)
        self._length_codes.append(length_codes(lengths))
        self._total_lengths += lengths.sum(axis=0)
        self.docs += len(lengths)
        if self._pending_postings >= RUN_POSTINGS:
            self._spill()

    def _numbered(self, terms: list[bytes]) -> np.ndarray:
        """The batch's terms' numbers; the texts of those new to the build are kept."""
        before = len(self.terms)
        numbers = self.terms.add(terms)
        new = np.flatnonzero(numbers >= before).tolist()
        if len(new) != len(self.terms) - before:
            raise ValueError("a batch holds a term twice")  # `analyse` makes each field's terms distinct
        if new:
            texts = [terms[k] for k in new]
            self._texts.append((b"".join(texts), np.fromiter(map(len, texts), dtype=np.int32, count=len(texts))))
        return numbers

    def finish(self, out: Path) -> None:
        """Write the decoded files of the segment into `out` (a new directory), then remove the runs. The merge reads
        the terms' texts and the runs from disk, for a large build in a process of its own (`heap.apart`)."""
        try:
            self._spill()
            out.mkdir()
            texts, self.terms, self._texts = self._texts, Numbering(), []
            _save_texts(texts, self._tmp)
            del texts
            heap.release()
            merge = (out, self._tmp, len(self._runs), self._weight_type())
            if self.docs < heap.OWN_PROCESS_DOCS:
                _merge(*merge)
            else:
                heap.apart(_merge, merge, f"the postings of {out} were not written")
            codes = np.concatenate(self._length_codes) if self._length_codes else np.zeros((0, len(FIELDS)), np.uint8)
            self._length_codes = []
            for f, (name, _source, _form) in enumerate(FIELDS):
                np.save(out / f"len_{name}.npy", np.ascontiguousarray(codes[:, f]))
                np.save(out / f"total_{name}.npy", self._total_lengths[f])
            np.save(out / "docs.npy", np.int64(self.docs))
        finally:
            self.close()

    def close(self) -> None:
        shutil.rmtree(self._tmp, ignore_errors=True)

    def _weight_type(self) -> type:
        """The type of the weights of 15 or more (`decoded.WeightsWriter`): the smallest that holds them (at the full
        corpus no term comes up more than 229 times in a field)."""
        return _smallest(self._max_weight, (np.uint8, np.uint16, np.int32))

    def _spill(self) -> None:
        """Sort what is pending by term (documents stay ascending within a term) and save it as a run, an array at a
        time: the sort's copies of all five at once were the peak of the writing process's memory."""
        if not self._pending["term"]:
            return
        pending = self._pending
        self._pending, self._pending_postings = {name: [] for name in _SortedRun.NAMES}, 0
        run = _SortedRun(self._tmp / f"run{len(self._runs)}")
        term = _joined(pending, "term")
        order = np.argsort(term, kind="stable")
        run.write("term", term[order])
        del term
        npos = _joined(pending, "npos")
        run.write("positions", _regrouped(_joined(pending, "positions"), npos, order))
        run.write("npos", npos[order])
        del npos
        for name in ("doc", "weight"):
            run.write(name, _joined(pending, name)[order])
        self._runs.append(run)
        del order
        heap.release()


def _smallest(largest: int, types: tuple[type, ...]) -> type:
    return next(t for t in types if largest <= np.iinfo(t).max)


def _joined(pending: dict[str, list[np.ndarray]], name: str) -> np.ndarray:
    """One pending array, its parts let go of as they are joined."""
    parts = pending.pop(name)
    return np.concatenate(parts) if len(parts) > 1 else parts[0]


class _SortedRun:
    """A sorted run on disk: one raw int32 file per array, read back a range at a time (a memory map would leave
    every page read in the process's resident memory until the end)."""

    NAMES = ("term", "doc", "weight", "npos", "positions")

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.directory.mkdir()
        self.postings = 0

    @classmethod
    def written(cls, directory: Path) -> "_SortedRun":
        """A run another process wrote into `directory`."""
        run = cls.__new__(cls)
        run.directory, run.postings = directory, (directory / "term").stat().st_size // 4
        return run

    def write(self, name: str, values: np.ndarray) -> None:
        values.astype(np.int32, copy=False).tofile(self.directory / name)
        if name == "term":
            self.postings = len(values)

    def read(self, name: str, start: int = 0, stop: int | None = None) -> np.ndarray:
        stop = self.postings if stop is None and name != "positions" else stop
        count = -1 if stop is None else stop - start
        return np.fromfile(self.directory / name, dtype=np.int32, count=count, offset=4 * start)


def _regrouped(positions: np.ndarray, npos: np.ndarray, order: np.ndarray) -> np.ndarray:
    """The positions of the postings taken in `order` (each posting owns `npos` consecutive positions)."""
    total = int(npos.sum(dtype=np.int64))
    if not total:
        return positions[:0]
    index = np.int32 if total < 2**31 else np.int64  # one index per position: the largest temporary arrays here
    counts = npos[order].astype(index)
    firsts = (np.cumsum(npos, dtype=index) - npos)[order]
    shift = np.repeat(firsts - (np.cumsum(counts, dtype=index) - counts), counts)
    shift += np.arange(total, dtype=index)
    return positions[shift]


def length_codes(lengths: np.ndarray) -> np.ndarray:
    """Whoosh's one-byte code of each field length (`whoosh.util.numeric.length_to_byte`)."""
    return np.minimum(np.searchsorted(_LENGTH_BYTES, lengths, side="left"), 255).astype(np.uint8)


def _save_texts(texts: list[tuple[bytes, np.ndarray]], scratch: Path) -> None:
    """The terms' texts as `_merge` reads them back: one file of them all, and the size of each."""
    with open(scratch / "terms", "wb") as out:
        for blob, _sizes in texts:
            out.write(blob)
    np.concatenate([sizes for _blob, sizes in texts] or [np.zeros(0, np.int32)]).tofile(scratch / "term_sizes")


def _merge(out: Path, scratch: Path, runs: int, weight_type: type) -> None:
    """`_write_segment` from what `Inverter.finish` left in `scratch` (in this process or in one of its own)."""
    sizes = np.fromfile(scratch / "term_sizes", dtype=np.int32)
    terms = decoded.TermTable((scratch / "terms").read_bytes(), np.concatenate(([0], sizes.cumsum(dtype=np.int64))))
    _write_segment(out, terms, [_SortedRun.written(scratch / f"run{k}") for k in range(runs)], weight_type)


def _write_segment(out: Path, terms: decoded.TermTable, runs: list[_SortedRun], weight_type: type) -> None:
    counts = np.zeros(len(terms), dtype=np.int64)
    position_counts = np.zeros(len(terms), dtype=np.int64)
    for run in runs:
        term = run.read("term")
        counts += np.bincount(term, minlength=len(terms))
        position_counts += np.bincount(term, weights=run.read("npos"), minlength=len(terms)).astype(np.int64)
    edges = _partitions(counts + position_counts)
    cuts = [_cuts(run, edges) for run in runs]
    with decoded.IdsWriter(out, int(counts.sum()), len(terms)) as ids, \
            decoded.WeightsWriter(out, int(counts.sum()), weight_type) as weights, \
            decoded.PositionsWriter(out, int(position_counts.sum())) as positions:
        for k in range(len(edges) - 1):
            heap.release()  # the ranges' arrays differ in size: unreturned, what they free grew the merge by 66 MB
            if edges[k + 1] - edges[k] == 1:
                _write_term(edges[k], runs, cuts, k, counts, ids, weights, positions)
                continue
            parts = [_slice(run, cut, k) for run, cut in zip(runs, cuts)]
            term = np.concatenate([p[0] for p in parts])
            order = np.argsort(term, kind="stable")  # runs are in document order: a term's documents stay ascending
            npos = np.concatenate([p[3] for p in parts])
            numbers = np.arange(edges[k], edges[k + 1])
            numbers = numbers[counts[numbers] > 0]
            ids.write(numbers, counts[numbers], np.concatenate([p[1] for p in parts])[order])
            weights.write(np.concatenate([p[2] for p in parts])[order])
            positions.write(_regrouped(np.concatenate([p[4] for p in parts]), npos, order))
    heap.release()
    positional = terms.starting_with(_POSITIONAL_PREFIXES)
    decoded.save_terms(out, terms, counts, np.where(positional, position_counts, -1), ids)


def _write_term(number: int, runs: list[_SortedRun], cuts: list, k: int, counts: np.ndarray,
                ids: decoded.IdsWriter, weights: decoded.WeightsWriter, positions: decoded.PositionsWriter) -> None:
    """One term's postings, alone in range k: each run holds them in document order, after the runs before it, so
    they are copied as they come, the positions (up to tens of millions for a common word) a run at a time."""
    if not counts[number]:
        return  # numbered in a batch, but only in documents left out (a later copy of an id)
    parts = [(run, cut[0][k:k + 2].tolist(), cut[1][k:k + 2].tolist()) for run, cut in zip(runs, cuts)]
    ids.write(np.array([number]), counts[[number]], np.concatenate([run.read("doc", *at) for run, at, _p in parts]))
    weights.write(np.concatenate([run.read("weight", *at) for run, at, _p in parts]))
    for run, _at, (first, last) in parts:
        positions.write(run.read("positions", first, last))


def _partitions(sizes: np.ndarray) -> list[int]:
    """Edges of ranges of term numbers holding about MERGE_POSTINGS postings and positions each (a common word's
    positions outnumber its postings: counting them keeps the merge's memory flat); a term bigger than that is a
    range of its own, written without being sorted (`_write_term`)."""
    bounds = np.searchsorted(np.cumsum(sizes), np.arange(MERGE_POSTINGS, int(sizes.sum()), MERGE_POSTINGS))
    big = np.flatnonzero(sizes > MERGE_POSTINGS)
    return sorted({0, len(sizes), *(bounds + 1).clip(max=len(sizes)).tolist(), *big.tolist(), *(big + 1).tolist()})


def _cuts(run: _SortedRun, edges: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Where each range of term numbers starts in the run's postings and in its positions."""
    at = np.searchsorted(run.read("term"), edges)
    before = np.concatenate(([0], np.cumsum(run.read("npos"), dtype=np.int64)))
    return at, before[at]


def _slice(run: _SortedRun, cuts: tuple[np.ndarray, np.ndarray], k: int) -> tuple[np.ndarray, ...]:
    (start, stop), (first, last) = cuts[0][k:k + 2].tolist(), cuts[1][k:k + 2].tolist()
    return (*(run.read(name, start, stop) for name in ("term", "doc", "weight", "npos")),
            run.read("positions", first, last))
