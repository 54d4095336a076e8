"""Posting lists and field lengths as NumPy files, a directory per segment: what queries read.

A build writes them directly (`inversion`); an add's segment is decoded here from Whoosh's pickled blocks after its
commit (Whoosh's blocks hold every position, so reading a common term from them cost up to a second on the full
corpus). Each segment's postings are flat arrays read by slicing a memory map. A segment without its directory (an
index from before `inversion`, an add cut short) is read from Whoosh.
"""
from __future__ import annotations

import hashlib
import multiprocessing
import os
import shutil
from pathlib import Path
from typing import Iterator

import numpy as np
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermInfo

PREFIX = "decoded-"
WRITE_BYTES = 16384
JOINED_TERMS = 16384
GAP_LIMIT = 2**16  # a gap between two document numbers of a term that two bytes hold
_ARRAYS = ("keys", "starts", "counts", "weights", "positions", "position_starts")
_ID_ARRAYS = ("gaps", "firsts", "wide_starts", "wide_ids")
_HIGH_ARRAYS = ("high_at", "high")  # a segment written before gaps took one byte has neither
_NIBBLE_ARRAYS = ("weight_nibbles", "weight_at", "weight_high")  # a build's weights; an add's are `weights`
NIBBLE_ESCAPE = 15  # a weight of 15 or more: its nibble holds 15, its value is in `weight_high`
_PACKED_ARRAYS = ("packed_positions", "position_at", "position_high")  # a build's positions; an add's `positions`
PACKED_ESCAPE = 4095  # a position of 4095 or more (0.0001 of the full corpus's): its value is in `position_high`
_NO_IDS = np.zeros(0, np.int32)


def key(fieldname: str, text: str) -> int:
    """A term's 64-bit key (what the sorted `keys` array holds). Two terms of a segment with one key are marked
    at decoding (count -1) and read from Whoosh; a query term missing from a segment is taken for one of its
    terms only if their keys collide, a chance of one in 2**64 / (terms of the segment), about 10**-12."""
    return _key(f"{fieldname}\0{text}".encode())


def _key(term: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(term, digest_size=8).digest(), "little")


class Segment:
    """One segment's decoded postings, memory-mapped: ids are the segment's own document numbers, stored as gaps
    (`IdsWriter`; files from before hold them whole in `ids.npy`)."""

    def __init__(self, directory: Path) -> None:
        whole = (directory / "ids.npy").exists()
        nibbles, packed = ((directory / f"{name}.npy").exists() for name in ("weight_nibbles", "packed_positions"))
        names = tuple(n for n in _ARRAYS if not (nibbles and n == "weights" or packed and n == "positions"))
        names += (("ids",) if whole else _ID_ARRAYS) + (_NIBBLE_ARRAYS if nibbles else ()) + (_PACKED_ARRAYS if packed else ())
        arrays = {name: _mapped(directory / f"{name}.npy") for name in names}
        self.keys, self.starts, self.counts = arrays["keys"], arrays["starts"], arrays["counts"]
        self.weights, self.whole_ids = arrays.get("weights"), arrays.get("ids")
        self.nibbles, self.weight_at, self.weight_high = (arrays.get(name) for name in _NIBBLE_ARRAYS)
        if not whole:
            self.gaps, self.firsts = arrays["gaps"], arrays["firsts"]
            self.wide_starts, self.wide_ids = arrays["wide_starts"], arrays["wide_ids"]
            self.high_at, self.high = (_mapped(directory / f"{name}.npy")
                                       if (directory / "high_at.npy").exists() else _NO_IDS for name in _HIGH_ARRAYS)
        self.positions, self.position_starts = arrays.get("positions"), arrays["position_starts"]
        self.packed, self.position_at, self.position_high = (arrays.get(name) for name in _PACKED_ARRAYS)
        self.directory = directory
        # the terms themselves, in key order (files written by `inversion`): a key two terms share is told apart
        self.terms = self.term_starts = None
        if (directory / "terms.npy").exists():
            self.terms = _mapped(directory / "terms.npy")
            self.term_starts = _mapped(directory / "term_starts.npy")

    def postings(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray] | None:
        """(ids, weights) of the term, empty when the segment does not have it; None when its key is shared by two
        terms (the caller asks Whoosh)."""
        at = self._index(fieldname, text)
        if at is None:
            return _NO_IDS, self._weights(0, 0)
        count = int(self.counts[at])
        if count < 0:
            return None
        start = int(self.starts[at])
        return self._ids(at, start, count), self._weights(start, count)

    def find(self, fieldname: str, text: str, doc_frequency: int) -> tuple[np.ndarray, np.ndarray] | None:
        """(ids, weights) of the term, or None when the file does not hold it with `doc_frequency` postings."""
        at = self._at(fieldname, text, doc_frequency)
        if at is None:
            return None
        start = int(self.starts[at])
        return self._ids(at, start, doc_frequency), self._weights(start, doc_frequency)

    def find_positions(self, fieldname: str, text: str, doc_frequency: int) -> tuple | None:
        """(ids, weights, positions) of a term of a positional field: each posting's positions, ascending, one
        after the other (a posting has as many as its weight, the term's frequency in the document); positions
        is an array or a `PackedPositions`, both indexed with an array of indices."""
        at = self._at(fieldname, text, doc_frequency)
        if at is None or self.position_starts[at] < 0:
            return None
        start, first = int(self.starts[at]), int(self.position_starts[at])
        weights = self._weights(start, doc_frequency)
        total = int(weights.sum(dtype=np.int64))
        positions = self.positions[first:first + total] if self.packed is None else PackedPositions(self, first, total)
        return self._ids(at, start, doc_frequency), weights, positions

    def _ids(self, at: int, start: int, count: int) -> np.ndarray:
        """The document numbers of term `at`: its first one plus the running sum of its gaps (a byte a posting, and
        the high bytes of the few gaps of 256 or more), or its whole numbers when a gap was too wide."""
        if self.whole_ids is not None:
            return self.whole_ids[start:start + count]
        wide = int(self.wide_starts[at])
        if wide >= 0:
            return self.wide_ids[wide:wide + count]
        gaps = self.gaps[start:start + count]
        # needles of the array's own type: others would have NumPy convert the whole array on every call
        first, last = np.searchsorted(self.high_at, np.array((start, start + count), self.high_at.dtype)).tolist()
        if first == last:
            ids = np.cumsum(gaps, dtype=np.int32)
        else:
            ids = gaps.astype(np.int32)
            ids[self.high_at[first:last] - start] += self.high[first:last].astype(np.int32) << 8
            np.cumsum(ids, out=ids)
        ids += self.firsts[at]
        return ids

    def _weights(self, start: int, count: int) -> np.ndarray:
        """The weights of postings start to start + count: two to a byte (`WeightsWriter`), or as they were written."""
        if self.nibbles is None:
            return self.weights[start:start + count]
        pairs = self.nibbles[start // 2:(start + count + 1) // 2].astype("<u2")
        pairs |= pairs << 4
        pairs &= 0x0F0F  # each byte's low nibble now in the low byte, its high nibble in the high byte: as uint8,
        weights = pairs.view(np.uint8)[start % 2:start % 2 + count]  # in order (five times faster than two strides)
        first, last = np.searchsorted(self.weight_at, np.array((start, start + count), self.weight_at.dtype)).tolist()
        if first < last:
            weights = weights.astype(self.weight_high.dtype, copy=False)  # a view of `pairs` when uint8: ours to write
            weights[self.weight_at[first:last] - start] = self.weight_high[first:last]
        return weights

    def _at(self, fieldname: str, text: str, doc_frequency: int) -> int | None:
        at = self._index(fieldname, text)
        return at if at is not None and int(self.counts[at]) == doc_frequency else None

    def _index(self, fieldname: str, text: str) -> int | None:
        """Where the term's key is in `keys`, or None."""
        wanted = np.uint64(key(fieldname, text))
        at = int(np.searchsorted(self.keys, wanted))
        if self.terms is None:
            return at if at < len(self.keys) and self.keys[at] == wanted else None
        term = f"{fieldname}\0{text}".encode()
        while at < len(self.keys) and self.keys[at] == wanted:
            start, end = int(self.term_starts[at]), int(self.term_starts[at + 1])
            if end - start == len(term) and self.terms[start:end].tobytes() == term:
                return at
            at += 1
        return None

    def lexicon(self, fieldnames: tuple[str, ...]) -> Iterator[tuple[str, int]]:
        """(text, number of postings) of every term of these fields, from the term table: the terms of each field
        are picked out with NumPy first, so that only theirs become Python objects."""
        terms, starts = np.asarray(self.terms), np.asarray(self.term_starts)
        blob = terms.tobytes()
        for name in fieldnames:
            prefix = np.frombuffer(f"{name}\0".encode(), dtype=np.uint8)
            chosen = np.flatnonzero(np.diff(starts) > len(prefix))
            for k, byte in enumerate(prefix):
                chosen = chosen[terms[starts[chosen] + k] == byte]
            begins, ends = (starts[chosen] + len(prefix)).tolist(), starts[chosen + 1].tolist()
            for begin, end, count in zip(begins, ends, self.counts[chosen].tolist()):
                yield blob[begin:end].decode("utf-8"), count

    def total_length(self, fieldname: str) -> int | None:
        """The sum of the field's lengths over the segment's documents, when the files have it (Whoosh's segment
        statistics do not count fields indexed here)."""
        path = self.directory / f"total_{fieldname}.npy"
        return int(np.load(path)) if path.exists() else None

    def length_codes(self, fieldname: str) -> np.ndarray | None:
        """The field's length of each document as Whoosh's one-byte code, or None if it was not written."""
        path = self.directory / f"len_{fieldname}.npy"
        return np.load(path) if path.exists() else None


def _mapped(path: Path) -> np.ndarray:
    """The file's array, memory-mapped, as a plain ndarray: slicing a `np.memmap` runs two Python methods, 3 µs a
    slice against 0.3 (a query of the full bench's mix slices about 90 times)."""
    return np.asarray(np.load(path, mmap_mode="r"))


def decoded_fields(schema) -> set[str]:
    """The fields whose postings are decoded: those with frequencies and lengths, the scored ones."""
    return {name for name, field in schema.items() if field.scorable}


def path_of(directory: Path, leaf) -> Path | None:
    """Where the decoded files of this leaf reader's segment are (or would be)."""
    segment = leaf.segment()
    return None if segment is None else Path(directory) / f"{PREFIX}{segment.segment_id()}"


def open_segment(directory: Path, leaf) -> Segment | None:
    """The decoded postings of this leaf reader's segment, if they were written for it and can be read."""
    path = path_of(directory, leaf)
    if path is None:
        return None
    try:
        opened = Segment(path)
        if int(np.load(path / "docs.npy")) != leaf.doc_count_all():
            return None
        return opened
    except (OSError, ValueError, KeyError):
        return None


def save(directory: Path, jobs: int = 1) -> None:
    """Decode every segment of the index in `directory` that has no decoded files yet, `jobs` segments at a time,
    and remove those of segments that are gone (merged by an add)."""
    directory = Path(directory)
    with whoosh_index.open_dir(str(directory)).reader() as reader:
        present = [leaf.segment().segment_id() for leaf, _ in reader.leaf_readers() if leaf.segment() is not None]
    missing = [s for s in present if not (directory / f"{PREFIX}{s}").is_dir()]
    if len(missing) > 1 and jobs > 1:
        with multiprocessing.get_context("fork").Pool(min(jobs, len(missing))) as pool:
            pool.starmap(_save_segment, [(directory, s) for s in missing])
    else:
        for segment_id in missing:
            _save_segment(directory, segment_id)
    for old in directory.glob(f"{PREFIX}*"):
        if old.name[len(PREFIX):] not in present:
            shutil.rmtree(old, ignore_errors=True)


def _save_segment(directory: Path, segment_id: str) -> None:
    with whoosh_index.open_dir(str(directory)).reader() as reader:
        leaf = next(leaf for leaf, _ in reader.leaf_readers() if leaf.segment().segment_id() == segment_id)
        tmp = directory / f".{PREFIX}{segment_id}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        wanted = decoded_fields(leaf.schema)
        fields = [name for name in leaf.schema.names() if name in wanted]
        _save_postings(leaf, fields, tmp)
        for name in fields:
            codes = column_length_codes(leaf, name)
            if codes is not None:
                np.save(tmp / f"len_{name}.npy", codes)
        np.save(tmp / "docs.npy", np.int64(leaf.doc_count_all()))
    os.replace(tmp, directory / f"{PREFIX}{segment_id}")


def _save_postings(leaf, fields: list[str], out: Path) -> None:
    terms = [(name, _text(text), info) for name in fields for text, info in leaf.iter_field(name)]
    positional = {name for name in fields if leaf.schema[name].format.supports("positions")}
    # term frequencies and positions are small integers: two bytes each, unless a boost or a long text needs more
    try:
        position_counts, ids = _write_postings(leaf, terms, positional, out, np.uint16)
    except _Inexact:
        position_counts, ids = _write_postings(leaf, terms, positional, out, np.float32)
    counts = np.array([info.doc_frequency() for _name, _text, info in terms], dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(counts)))[:-1]
    kept = np.array(position_counts, dtype=np.int64)
    position_starts = np.concatenate(([0], np.cumsum(np.maximum(kept, 0))))[:-1]
    position_starts[kept < 0] = -1
    keys = np.array([key(name, text) for name, text, _info in terms], dtype=np.uint64)
    order = np.argsort(keys, kind="stable")
    shared = np.flatnonzero(keys[order][1:] == keys[order][:-1])
    counts[order[np.concatenate((shared, shared + 1))]] = -1  # a key two terms share: read those from Whoosh
    for name, values in (("keys", keys), ("starts", starts), ("counts", counts), ("position_starts", position_starts),
                         ("firsts", ids.firsts), ("wide_starts", ids.wide_starts)):
        np.save(out / f"{name}.npy", values[order])


class _Inexact(Exception):
    """A weight or a position does not fit the type tried."""


def _write_postings(leaf, terms: list[tuple[str, str, TermInfo]], positional: set[str], out: Path,
                    small_type) -> tuple[list[int], IdsWriter]:
    """Ids, weights and (positional fields) positions of every term, in order, streamed to .npy files: a segment's
    postings never sit in memory whole. Returns each term's count of positions (-1: none kept) and the ids' term
    tables; raises _Inexact if a weight or a position does not fit `small_type` exactly."""
    total = sum(info.doc_frequency() for _name, _text, info in terms)
    wide = np.int32 if small_type is not np.uint16 else np.uint16
    position_counts: list[int] = []
    with IdsWriter(out, total, len(terms)) as ids, open(out / "weights.npy", "wb") as weights, \
            open(out / "positions.raw", "wb") as positions:
        _header(weights, small_type, total)
        for number, (name, text, info) in enumerate(terms):
            count = info.doc_frequency()
            found = _postings(_matcher(leaf, name, text, info), with_positions=name in positional)
            if len(found[0]) != count:
                raise ValueError(f"{name}:{text!r} has {len(found[0])} postings, its term info says {count}")
            if count:
                ids.write(np.array([number]), np.array([count]), np.asarray(found[0], dtype=np.int64))
            _write_exact(weights, np.asarray(found[1], dtype=np.float32), small_type)
            if name in positional:
                _write_exact(positions, np.asarray(found[2], dtype=np.int64), wide)
                position_counts.append(len(found[2]))
            else:
                position_counts.append(-1)
    _raw_to_npy(out / "positions.raw", out / "positions.npy", wide)
    return position_counts, ids


def _matcher(leaf, name: str, text: str, info):
    """The term's postings from the term info in hand: `leaf.postings` would look it up again in the terms file's
    hash table (a fifth of the decoding's time). Deleted documents are kept, as everywhere here."""
    terms = getattr(leaf, "_terms", None)
    if hasattr(terms, "_codec") and hasattr(terms, "_postfile"):
        return terms._codec.postings_reader(terms._postfile, info, leaf.schema[name].format,
                                            term=(name, text.encode("utf-8")))
    return leaf.postings(name, text)


def _write_exact(out, values: np.ndarray, dtype) -> None:
    stored = values.astype(dtype)
    if not np.array_equal(stored, values):
        raise _Inexact
    out.write(stored.tobytes())


def _raw_to_npy(raw: Path, npy: Path, dtype) -> None:
    count = raw.stat().st_size // np.dtype(dtype).itemsize
    with open(npy, "wb") as out, open(raw, "rb") as data:
        _header(out, dtype, count)
        shutil.copyfileobj(data, out, 2**20)
    raw.unlink()


def _header(out, dtype, count: int) -> None:
    np.lib.format.write_array_header_2_0(
        out, {"descr": np.lib.format.dtype_to_descr(np.dtype(dtype)), "fortran_order": False, "shape": (count,)})


class TermTable:
    """Terms ("field\0text", UTF-8) as one block of bytes and where each starts: a build's 586,002 terms take 17 MB
    so, against 37 MB as a list of bytes."""

    def __init__(self, blob: bytes, starts: np.ndarray) -> None:
        self.blob, self.starts = blob, starts  # term i is blob[starts[i]:starts[i + 1]]

    @classmethod
    def of(cls, terms: list[bytes]) -> "TermTable":
        sizes = np.fromiter(map(len, terms), dtype=np.int64, count=len(terms))
        return cls(b"".join(terms), np.concatenate(([0], np.cumsum(sizes))))

    def __len__(self) -> int:
        return len(self.starts) - 1

    def texts(self, order: np.ndarray | None = None) -> Iterator[list[bytes]]:
        """The terms (in `order`, when given), a list of up to JOINED_TERMS at a time."""
        numbers = np.arange(len(self)) if order is None else order
        for at in range(0, len(numbers), JOINED_TERMS):
            chosen = numbers[at:at + JOINED_TERMS]
            begins, ends = self.starts[chosen].tolist(), self.starts[chosen + 1].tolist()
            yield [self.blob[begin:end] for begin, end in zip(begins, ends)]

    def starting_with(self, prefixes: tuple[bytes, ...]) -> np.ndarray:
        """Whether each term starts with one of the prefixes."""
        found, at = np.zeros(len(self), dtype=bool), 0
        for texts in self.texts():
            found[at:at + len(texts)] = [text.startswith(prefixes) for text in texts]
            at += len(texts)
        return found


def save_terms(out: Path, terms: TermTable, counts: np.ndarray, position_counts: np.ndarray, ids: IdsWriter) -> None:
    """The term tables of a segment whose postings are laid out in the order of `terms`: each term's key, first
    posting, count of postings, first position (-1: no positions) and where its ids are, sorted by key, with the
    terms. Written an array at a time: at the full corpus the keys take 4.7 MB, each of the others 2.3 MB."""
    keys = np.fromiter((_key(text) for texts in terms.texts() for text in texts), dtype=np.uint64, count=len(terms))
    order = np.argsort(keys, kind="stable")
    np.save(out / "keys.npy", keys[order])
    del keys
    np.save(out / "starts.npy", _narrow((np.cumsum(counts) - counts)[order]))
    np.save(out / "counts.npy", _narrow(counts[order]))
    kept = np.maximum(position_counts, 0)
    np.save(out / "position_starts.npy", _narrow(np.where(position_counts < 0, -1, np.cumsum(kept) - kept)[order]))
    del kept
    np.save(out / "firsts.npy", ids.firsts[order])
    np.save(out / "wide_starts.npy", _narrow(ids.wide_starts[order]))
    sizes = np.diff(terms.starts)[order]
    np.save(out / "term_starts.npy", _narrow(np.concatenate(([0], np.cumsum(sizes)))))
    with ArrayWriter(out / "terms.npy", np.uint8, int(sizes.sum())) as blob:
        for texts in terms.texts(order):  # bytes.join takes 80 bytes of buffer a part: a few at once
            blob.write(np.frombuffer(b"".join(texts), dtype=np.uint8))


def _narrow(values: np.ndarray) -> np.ndarray:
    """int32 when every value fits (half the size of the term tables at the full corpus), else int64."""
    small = len(values) == 0 or (values.min() >= np.iinfo(np.int32).min and values.max() <= np.iinfo(np.int32).max)
    return values.astype(np.int32 if small else np.int64)


class ArrayWriter:
    """A .npy file of `count` values of `dtype` written a part at a time, so that it never sits in memory whole."""

    def __init__(self, path: Path, dtype, count: int) -> None:
        self.path, self.dtype, self.count, self.written = path, np.dtype(dtype), count, 0
        self._file = open(path, "wb")  # noqa: SIM115 - closed by __exit__
        _header(self._file, self.dtype, count)

    def write(self, values: np.ndarray) -> None:
        data = memoryview(np.ascontiguousarray(values, dtype=self.dtype)).cast("B")
        # in small writes: the kernel caches a big write in big folios, and a searcher touching one posting of them
        # then maps the whole folio (on the full corpus, 884 MB of resident memory after the query mix, not 638)
        for start in range(0, len(data), WRITE_BYTES):
            self._file.write(data[start:start + WRITE_BYTES])
        self.written += len(values)

    def __enter__(self) -> "ArrayWriter":
        return self

    def __exit__(self, *exc) -> None:
        self._file.close()
        if exc[0] is None and self.written != self.count:
            raise ValueError(f"{self.path}: {self.written} values written, {self.count} announced")


class IdsWriter:
    """A segment's document numbers, term after term, as gaps: each posting's distance to the one before (0 for a
    term's first). `gaps.npy` keeps each gap's low byte; the few of 256 or more (0.055 of the full corpus's) have
    their high byte in `high`, at the postings `high_at` lists: 1.3 bytes a posting where whole numbers take four.
    Each term's first number goes to `firsts`. The few terms with a gap of GAP_LIMIT or more (rare words far apart)
    keep whole numbers in `wide_ids`, from `wide_starts` (-1 for the others). `firsts` and `wide_starts` are indexed
    by term number, in writing order."""

    def __init__(self, out: Path, postings: int, terms: int) -> None:
        self.out = out
        self.firsts = np.zeros(terms, dtype=np.int32)
        self.wide_starts = np.full(terms, -1, dtype=np.int64)
        self._gaps = ArrayWriter(out / "gaps.npy", np.uint8, postings)
        self._at_type = np.uint32 if postings < 2**32 else np.int64
        self._raw = {name: open(out / f"{name}.raw", "wb") for name in ("wide_ids", *_HIGH_ARRAYS)}  # noqa: SIM115
        self._wide_count = self._written = 0

    def write(self, numbers: np.ndarray, counts: np.ndarray, ids: np.ndarray) -> None:
        """The ids of the terms `numbers` (consecutive in the file), counts[i] ascending ids each (counts > 0)."""
        if not len(counts):
            return
        ids = np.asarray(ids, dtype=np.int32)  # document numbers of one segment: int32 in a build
        starts = np.cumsum(counts) - counts
        gaps = np.empty_like(ids)
        gaps[0] = 0
        np.subtract(ids[1:], ids[:-1], out=gaps[1:])
        gaps[starts] = 0
        wide = np.maximum.reduceat(gaps, starts) >= GAP_LIMIT
        if wide.any():
            spans = np.repeat(wide, counts)
            self.wide_starts[numbers[wide]] = self._wide_count + np.cumsum(counts[wide]) - counts[wide]
            self._raw["wide_ids"].write(ids[spans].astype(np.int32).tobytes())
            self._wide_count += int(counts[wide].sum())
            gaps[spans] = 0
        self.firsts[numbers] = ids[starts]
        high = np.flatnonzero(gaps >= 256)
        self._raw["high_at"].write((high + self._written).astype(self._at_type).tobytes())
        self._raw["high"].write((gaps[high] >> 8).astype(np.uint8).tobytes())
        self._gaps.write((gaps & 255).astype(np.uint8))
        self._written += len(gaps)

    def __enter__(self) -> "IdsWriter":
        return self

    def __exit__(self, *exc) -> None:
        for raw in self._raw.values():
            raw.close()
        self._gaps.__exit__(*exc)
        if exc[0] is None:
            for name, dtype in (("wide_ids", np.int32), ("high_at", self._at_type), ("high", np.uint8)):
                _raw_to_npy(self.out / f"{name}.raw", self.out / f"{name}.npy", dtype)


class PackedPositions:
    """A term's positions in `packed_positions`, decoded only at the indices asked for (a phrase reads those of its
    candidate documents): position i of the segment is 12 bits, at byte 3 * (i // 2), low half first."""

    def __init__(self, segment: Segment, first: int, count: int) -> None:
        self.segment, self.first, self.count = segment, first, count

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, indices: np.ndarray) -> np.ndarray:
        at = np.asarray(indices, dtype=np.int64) + self.first
        data, byte = self.segment.packed, 3 * (at >> 1)
        odd = at & 1
        first, second = data[byte + odd].astype(np.int32), data[byte + odd + 1].astype(np.int32)
        values = np.where(odd.astype(bool), (first >> 4) | (second << 4), first | ((second & 15) << 8))
        escaped = np.flatnonzero(values == PACKED_ESCAPE)
        if len(escaped):
            where = np.searchsorted(self.segment.position_at, at[escaped].astype(self.segment.position_at.dtype))
            values[escaped] = self.segment.position_high[where]
        return values


class _EscapedPairs:
    """Small integers packed two at a time (`pack`) into `<names[0]>.npy`, each capped at `escape`: those of
    `escape` or more also go whole to `<names[2]>`, at the indices `<names[1]>` lists. Writes of any length: an odd
    one leaves a value to carry into the next."""

    names: tuple[str, str, str]
    escape: int
    code_type: type
    bytes_per_pair: int

    def __init__(self, out: Path, count: int, high_type) -> None:
        self.out, self._high_type = out, high_type
        self._packed = ArrayWriter(out / f"{self.names[0]}.npy", np.uint8, self.bytes_per_pair * ((count + 1) // 2))
        self._at_type = np.uint32 if count < 2**32 else np.int64
        self._raw = {name: open(out / f"{name}.raw", "wb") for name in self.names[1:]}  # noqa: SIM115
        self._carry = np.zeros(0, dtype=self.code_type)
        self._written = 0

    def write(self, values: np.ndarray) -> None:
        values = np.asarray(values)
        high = np.flatnonzero(values >= self.escape)
        self._raw[self.names[1]].write((high + self._written).astype(self._at_type).tobytes())
        self._raw[self.names[2]].write(values[high].astype(self._high_type).tobytes())
        self._written += len(values)
        codes = np.concatenate((self._carry, np.minimum(values, self.escape).astype(self.code_type)))
        even = len(codes) - len(codes) % 2
        self._packed.write(self.pack(codes[0:even:2], codes[1:even:2]))
        self._carry = codes[even:]

    @staticmethod
    def pack(even: np.ndarray, odd: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def __enter__(self) -> "_EscapedPairs":
        return self

    def __exit__(self, *exc) -> None:
        if exc[0] is None and len(self._carry):
            self._packed.write(self.pack(self._carry, np.zeros(1, dtype=self.code_type)))
        for raw in self._raw.values():
            raw.close()
        self._packed.__exit__(*exc)
        if exc[0] is None:
            for name, dtype in zip(self.names[1:], (self._at_type, self._high_type)):
                _raw_to_npy(self.out / f"{name}.raw", self.out / f"{name}.npy", dtype)


class PositionsWriter(_EscapedPairs):
    """A build's positions, 12 bits each (`PackedPositions`): 1.5 bytes a position where two took; the few of
    PACKED_ESCAPE or more have it in their place and their values in `position_high`."""

    names, escape, code_type, bytes_per_pair = _PACKED_ARRAYS, PACKED_ESCAPE, np.uint16, 3

    def __init__(self, out: Path, count: int) -> None:
        super().__init__(out, count, np.int32)

    @staticmethod
    def pack(even: np.ndarray, odd: np.ndarray) -> np.ndarray:
        """Three bytes a pair: even's low byte, even's high half and odd's low half, odd's high byte."""
        out = np.empty((len(even), 3), dtype=np.uint8)
        out[:, 0] = even & 255
        out[:, 1] = (even >> 8) | ((odd & 15) << 4)
        out[:, 2] = odd >> 4
        return out.reshape(-1)


class WeightsWriter(_EscapedPairs):
    """A build's weights (term frequencies: 0.58 of the full corpus's are 1, 0.007 are 15 or more), two to a byte in
    `weight_nibbles` (posting 2k in the low half of byte k), NIBBLE_ESCAPE for those of 15 or more, whose values
    are in `weight_high`: 0.54 bytes a posting where a byte each took one."""

    names, escape, code_type, bytes_per_pair = _NIBBLE_ARRAYS, NIBBLE_ESCAPE, np.uint8, 1

    @staticmethod
    def pack(even: np.ndarray, odd: np.ndarray) -> np.ndarray:
        return even | (odd << 4)


def _text(text: str | bytes) -> str:
    return text.decode("utf-8") if isinstance(text, bytes) else text


def column_length_codes(leaf, fieldname: str) -> np.ndarray | None:
    """A segment's field lengths as Whoosh stores them (one byte each), from its column; None without one."""
    perdoc = getattr(leaf, "_perdoc", None)
    column = perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN) if hasattr(perdoc, "_cached_reader") else None
    if column is None:
        return None
    return np.fromiter(column, dtype=np.uint8, count=leaf.doc_count_all())


def blocks(matcher) -> tuple[list[int], list[float]]:
    """All ids and weights of a posting list (deleted documents included), a block at a time when the codec allows."""
    ids, weights, _positions = _postings(matcher, with_positions=False)
    return ids, weights


def _postings(matcher, with_positions: bool) -> tuple[list[int], list[float], list[int]]:
    if isinstance(matcher, FilterMatcher):  # the filter has already moved its child past deleted documents
        matcher = matcher.child
        matcher.reset()
    ids: list[int] = []
    weights: list[float] = []
    positions: list[int] = []
    if not hasattr(matcher, "_read_ids"):
        for doc in matcher.all_ids():
            ids.append(doc)
            weights.append(matcher.weight())
            if with_positions:
                positions.extend(matcher.value_as("positions"))
        return ids, weights, positions
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        if matcher._weights is None:
            matcher._read_weights()
        ids.extend(matcher._ids)
        weights.extend(matcher._weights)
        if with_positions:
            matcher._read_values()
            decode = matcher.format.decode_positions
            for value in matcher._values:
                positions.extend(decode(value))
        matcher._next_block()
    return ids, weights, positions
