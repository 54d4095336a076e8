"""pyvi's word-segmentation CRF, run in Python from the weights in its model file.

pyvi builds a dict of features per syllable and lets crfsuite tag them; building those strings and handing them to
crfsuite took two thirds of a build's segmentation time. The model is small (two labels, 6,335 attributes), and a
syllable's attributes are its own lower-cased text and its neighbours', a few flags and two dictionary lookups, so
its score per label is a few table lookups added up. The additions follow crfsuite's order (attributes as pyvi lists
them) and Viterbi keeps crfsuite's tie rule (the first label wins), so the labels are crfsuite's own, which
tests/test_crf.py checks on the seeds and fixtures.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from itertools import chain
from typing import Collection

import numpy as np

_HEADER = struct.Struct("<4sI4sIIIIIIIII")
_FEATURE = struct.Struct("<iiid")
_ZERO = (0.0, 0.0)
TOGETHER = 24  # lines Viterbi advances together with NumPy; fewer go faster one by one in Python
_FLAGS = ("bias", "word.isupper()", "word.istitle()", "word.isdigit()", "-1:word.istitle()", "-1:word.isupper()",
          "-1:word.bi_gram()", "-2:word.tri_gram()", "+1:word.istitle()", "+1:word.isupper()", "+1:word.bi_gram()",
          "+2:word.tri_gram()")
_WORDS = ("word.lower():", "-1:word.lower():", "+1:word.lower():")


@dataclass(frozen=True)
class Weights:
    """A two-label crfsuite model's weights: per flag attribute, per word attribute and per transition."""

    labels: tuple[str, str]
    flags: dict[str, tuple[float, float]]   # "bias", "word.istitle()", "-1:word.bi_gram()"... → (label 0, label 1)
    words: dict[str, tuple[float, ...]]     # lower-cased syllable → its own, its "-1:" and its "+1:" weights (6)
    transitions: tuple[float, float, float, float]  # 0→0, 0→1, 1→0, 1→1

    @classmethod
    def read(cls, data: bytes) -> "Weights":
        """Parse a crfsuite model file (crf1dm: header, features, two CQDB string tables)."""
        magic, _size, kind, _version, _n, n_labels, _attrs, at_features, at_labels, at_attrs, *_refs = \
            _HEADER.unpack_from(data)
        if magic != b"lCRF" or kind != b"FOMC" or n_labels != 2:
            raise ValueError("not a two-label crfsuite model")
        labels, attrs = _strings(data, at_labels), _strings(data, at_attrs)
        (count,) = struct.unpack_from("<I", data, at_features + 8)
        state: dict[str, list[float]] = {}
        transitions = [0.0] * 4
        for kind_, src, dst, weight in _FEATURE.iter_unpack(data[at_features + 12:at_features + 12 + 20 * count]):
            if kind_ == 0:
                state.setdefault(attrs[src], [0.0, 0.0])[dst] = weight
            else:
                transitions[2 * src + dst] = weight
        words: dict[str, list[float]] = {}
        for attr, pair in state.items():
            prefix = next((p for p in _WORDS if attr.startswith(p)), None)
            if prefix is not None:
                slot = 2 * _WORDS.index(prefix)
                words.setdefault(attr[len(prefix):], [0.0] * 6)[slot:slot + 2] = pair
        return cls((labels[0], labels[1]), {f: tuple(state.get(f, _ZERO)) for f in _FLAGS},
                   {w: tuple(v) for w, v in words.items()}, tuple(transitions))


def _strings(data: bytes, at: int) -> list[str]:
    """A CQDB chunk's strings in id order, read through its backward array."""
    chunk, _size, _flag, _order, count, backward = struct.unpack_from("<4sIIIII", data, at)
    if chunk != b"CQDB":
        raise ValueError("no CQDB string table where the header says")
    out = []
    for offset in struct.unpack_from(f"<{count}I", data, at + backward):
        _id, size = struct.unpack_from("<iI", data, at + offset)
        out.append(data[at + offset + 8:at + offset + 7 + size].decode("utf-8"))
    return out


class Tagger:
    """Labels for lines of syllables, as crfsuite gives them for pyvi's features. All the lines of a text are
    scored at once with NumPy, one attribute at a time over every syllable; Viterbi runs over the lines together."""

    def __init__(self, weights: Weights, bigrams: Collection[str], trigrams: Collection[str]) -> None:
        self.labels, self.transitions = weights.labels, weights.transitions
        self.flags = {name: np.array(pair) for name, pair in weights.flags.items()}
        # every syllable of the model or of the dictionary gets a number (0: neither), so that a syllable's weights
        # and its n-grams' dictionary lookups are array operations, not a string built per pair
        pieces = [entry.split(" ") for entry in (*bigrams, *trigrams)]
        self.numbers = _Numbers((word, n) for n, word in enumerate(dict.fromkeys(
            [*weights.words, *(piece for entry in pieces for piece in entry)]), start=1))
        self.base = len(self.numbers) + 1
        if self.base ** 3 >= 2**63:
            raise ValueError("too many syllables for three of them to make one 64-bit number")
        self.rows = np.array([(0.0,) * 6, *weights.words.values()]).reshape(-1, 6)  # row 0: a word not in the model
        self.row_of = np.zeros(self.base, dtype=np.int64)
        self.row_of[1:len(weights.words) + 1] = np.arange(1, len(weights.words) + 1)
        self.bigram_keys = self._keys(bigrams, 2)
        self.trigram_keys = self._keys(trigrams, 3)

    def tag(self, lines: list[list[str]]) -> list[list[str]]:
        """Each line's labels (a line is its syllables, as pyvi's `sylabelize` gives them)."""
        return [[self.labels[label] for label in path] for path in self.paths(lines)]

    def paths(self, lines: list[list[str]]) -> list[list[int]]:
        """Each line's labels as numbers: 0 for the model's first label, 1 for its second."""
        labels, out, at = self.labelled(lines).tolist(), [], 0
        for size in map(len, lines):
            out.append(labels[at:at + size])
            at += size
        return out

    def labelled(self, lines: list[list[str]]) -> np.ndarray:
        """Every syllable's label number, the lines one after the other."""
        sizes = np.fromiter(map(len, lines), dtype=np.int64, count=len(lines))
        tokens = list(chain.from_iterable(lines))
        if not tokens:
            return np.zeros(0, dtype=np.int8)
        return self._viterbi(self._scores(tokens, sizes), sizes)

    def _scores(self, tokens: list[str], sizes: np.ndarray) -> np.ndarray:
        """Each syllable's score per label (n × 2): its attributes' weights added one attribute after the other,
        in pyvi's order, as crfsuite adds them; an attribute a syllable lacks adds an exact 0."""
        n, f, rows = len(tokens), self.flags, self.rows
        numbers = np.fromiter(map(self.numbers.__getitem__, map(str.lower, tokens)), dtype=np.int64, count=n)
        words = self.row_of[numbers]
        title = _flags(map(str.istitle, tokens), n)
        upper = _flags(map(str.isupper, tokens), n)
        ends = np.cumsum(sizes)
        prev = np.ones(n, dtype=bool)
        prev[(ends - sizes)[sizes > 0]] = False
        after = np.ones(n, dtype=bool)
        after[ends[sizes > 0] - 1] = False
        pairs = _member(self.bigram_keys, numbers[:-1] * self.base + numbers[1:])
        triples = _member(self.trigram_keys, (numbers[:-2] * self.base + numbers[1:-1]) * self.base + numbers[2:])
        prev2, after2 = prev & _shift(prev, 1), after & _shift(after, -1)
        s = f["bias"] + rows[words, 0:2]
        s += upper[:, None] * f["word.isupper()"]
        s += title[:, None] * f["word.istitle()"]
        s += _flags(map(str.isdigit, tokens), n)[:, None] * f["word.isdigit()"]
        s += prev[:, None] * rows[_shift(words, 1), 2:4]
        s += (prev & _shift(title, 1))[:, None] * f["-1:word.istitle()"]
        s += (prev & _shift(upper, 1))[:, None] * f["-1:word.isupper()"]
        s += (prev & _shift(pairs, 1, n))[:, None] * f["-1:word.bi_gram()"]
        s += (prev2 & _shift(triples, 2, n))[:, None] * f["-2:word.tri_gram()"]
        s += after[:, None] * rows[_shift(words, -1), 4:6]
        s += (after & _shift(title, -1))[:, None] * f["+1:word.istitle()"]
        s += (after & _shift(upper, -1))[:, None] * f["+1:word.isupper()"]
        s += (after & _shift(pairs, 0, n))[:, None] * f["+1:word.bi_gram()"]
        s += (after2 & _shift(triples, 0, n))[:, None] * f["+2:word.tri_gram()"]
        return s

    def _keys(self, entries: Collection[str], size: int) -> np.ndarray:
        """The dictionary's n-grams of `size` syllables as sorted numbers (a syllable's number in base `base`).
        Syllables hold no space, so an entry with another count of spaces matches no n-gram and is left out."""
        keys = []
        for entry in entries:
            pieces = entry.split(" ")
            if len(pieces) == size:
                key = 0
                for piece in pieces:
                    key = key * self.base + self.numbers[piece]
                keys.append(key)
        return np.unique(np.array(keys, dtype=np.int64))

    def _viterbi(self, scores: np.ndarray, sizes: np.ndarray) -> np.ndarray:
        """The best label path of every line, as crfsuite's crf1dc_viterbi finds it (a later label replaces an earlier
        one only with a strictly greater score). The lines advance together, a syllable at a time, longest first;
        once fewer than TOGETHER are left, each finishes on its own (`_forward`). Same additions, same results."""
        order = np.argsort(-sizes, kind="stable")
        lengths, firsts = sizes[order], (np.cumsum(sizes) - sizes)[order]
        lengths, firsts = lengths[lengths > 0], firsts[lengths > 0]
        longer = np.searchsorted(-lengths, -np.arange(lengths[0] + 1), side="left")  # lines longer than k
        together = max(1, int(np.argmax(longer < TOGETHER)))  # the first syllables go together (longer[-1] is 0)
        s0, s1 = np.ascontiguousarray(scores[:, 0]), np.ascontiguousarray(scores[:, 1])
        a0, a1 = s0[firsts], s1[firsts]
        back0, back1 = np.zeros((together, len(lengths)), bool), np.zeros((together, len(lengths)), bool)
        t00, t01, t10, t11 = self.transitions
        for k in range(1, together):
            m = longer[k]
            at, x0, x1 = firsts[:m] + k, a0[:m], a1[:m]
            stay0, cross0, cross1, stay1 = x0 + t00, x1 + t10, x0 + t01, x1 + t11
            back0[k, :m], back1[k, :m] = to0, to1 = cross0 > stay0, stay1 > cross1
            a0[:m] = np.where(to0, cross0, stay0) + s0[at]
            a1[:m] = np.where(to1, stay1, cross1) + s1[at]
        out, label = np.zeros(len(scores), dtype=np.int8), a1 > a0
        for i in range(longer[together]):  # lines left: in Python, as crfsuite
            first, last = firsts[i] + together, firsts[i] + lengths[i]
            path = self._forward(float(a0[i]), float(a1[i]), scores[first:last].tolist())
            out[first - 1:last], label[i] = path, path[0]
        out[firsts + np.minimum(lengths, together) - 1] = label
        for k in range(together - 1, 0, -1):
            m = longer[k]
            label[:m] = np.where(label[:m], back1[k, :m], back0[k, :m])
            out[firsts[:m] + k - 1] = label[:m]
        return out

    def _forward(self, a0: float, a1: float, scores: list[list[float]]) -> list[int]:
        """The best labels of a line from the scores (a0, a1) of its syllable before `scores` on: that syllable's
        label, then one per score."""
        t00, t01, t10, t11 = self.transitions
        back0: list[int] = []  # the best label before each syllable, if it is labelled 0; and if labelled 1
        back1: list[int] = []
        for s0, s1 in scores:
            stay0, cross0, cross1, stay1 = a0 + t00, a1 + t10, a0 + t01, a1 + t11
            if cross0 > stay0:
                back0.append(1)
                stay0 = cross0
            else:
                back0.append(0)
            if stay1 > cross1:
                back1.append(1)
                cross1 = stay1
            else:
                back1.append(0)
            a0, a1 = stay0 + s0, cross1 + s1
        label = 1 if a1 > a0 else 0
        path = [label]
        for k in range(len(back0) - 1, -1, -1):
            label = back1[k] if label else back0[k]
            path.append(label)
        path.reverse()
        return path


class _Numbers(dict):
    """A syllable's row in the weight table; 0 (no weights) for one the model does not know."""

    def __missing__(self, word: str) -> int:
        return 0


def _member(table: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Which keys are in the sorted table."""
    if not len(table):
        return np.zeros(len(keys), dtype=bool)
    return table[np.searchsorted(table, keys).clip(max=len(table) - 1)] == keys


def _flags(values, count: int) -> np.ndarray:
    return np.fromiter(values, dtype=bool, count=max(count, 0))


def _shift(values: np.ndarray, by: int, size: int | None = None) -> np.ndarray:
    """values moved `by` places (element i holds values[i - by]), False or 0 where nothing comes, cut or padded to
    `size` (default: its own length)."""
    size = len(values) if size is None else size
    out = np.zeros(size, dtype=values.dtype)
    lo, hi = max(by, 0), min(size, len(values) + by)
    if hi > lo:
        out[lo:hi] = values[lo - by:hi - by]
    return out
