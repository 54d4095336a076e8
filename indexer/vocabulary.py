"""The index's own vocabulary, computed once per build: which accented words and compounds each folded form stands for.

It answers the query side's questions without scanning the index: the likely accented form of "hoi dam", the
compounds an accent-free pair may be, whether a Telex-decoded word exists, and spelling corrections.
"""
from __future__ import annotations

import json
import os
import string
import zipfile
from collections import defaultdict
from functools import partial
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
from whoosh import index as whoosh_index

from indexer import decoded, heap
from indexer.analysis import JOINER, fold

FILE = "vocabulary.npz"
JSON_FILE = "vocabulary.json"  # what indexes built before the hashed tables have
FORMAT = 2  # of the JSON file
PER_FORM = 6           # accented variants kept for each folded form
MIN_COMPOUND_DF = 2    # compounds seen in one article only are mostly segmentation noise
_LETTERS = string.ascii_lowercase + string.digits
# (name, the fields whose terms it lists, the document frequency a form needs to be kept)
TABLES = (("syllables", ("title_exact", "body_exact"), 1), ("compounds", ("title_cw", "body_cw"), MIN_COMPOUND_DF))


class HashedTable:
    """A table of the vocabulary file: folded form → "form df form df …", found by the 64-bit hash of the table's
    name and the form in a sorted array, the entry's text beside it ("form\tforms") telling apart two forms that
    share a hash. Loading it is reading three arrays: the full corpus's JSON took 174 ms to load, and its strings
    stayed in every server process."""

    def __init__(self, name: str, hashes: np.ndarray, starts: np.ndarray, text: np.ndarray) -> None:
        self.name, self.hashes, self.starts, self.text = name, hashes, starts, text

    @classmethod
    def of(cls, name: str, table: dict[str, str]) -> "HashedTable":
        keys = list(table)
        hashes = np.fromiter((decoded.key(name, k) for k in keys), dtype=np.uint64, count=len(keys))
        order = np.argsort(hashes, kind="stable").tolist()
        entries = [f"{keys[i]}\t{table[keys[i]]}".encode() for i in order]
        sizes = np.fromiter(map(len, entries), dtype=np.int64, count=len(entries))
        text = np.frombuffer(b"".join(entries), dtype=np.uint8)
        return cls(name, hashes[order], np.concatenate(([0], np.cumsum(sizes))), text)

    def get(self, key: str, default: str = "") -> str:
        wanted = np.uint64(decoded.key(self.name, key))
        at = int(np.searchsorted(self.hashes, wanted))
        while at < len(self.hashes) and self.hashes[at] == wanted:
            form, _, forms = self.text[self.starts[at]:self.starts[at + 1]].tobytes().decode().partition("\t")
            if form == key:
                return forms
            at += 1
        return default

    def get_many(self, keys: list[str]) -> list[str]:
        """`get` for many keys at once: one search of the sorted hashes, the text read only where a hash is found."""
        wanted = np.fromiter((decoded.key(self.name, k) for k in keys), dtype=np.uint64, count=len(keys))
        at = np.searchsorted(self.hashes, wanted)
        hit = at < len(self.hashes)
        hit[hit] = self.hashes[at[hit]] == wanted[hit]
        found = [""] * len(keys)
        for k in np.flatnonzero(hit).tolist():
            found[k] = self.get(keys[k])
        return found

    def items(self) -> Iterator[tuple[str, str]]:
        raw = self.text.tobytes()
        for start, end in zip(self.starts[:-1].tolist(), self.starts[1:].tolist()):
            form, _, forms = raw[start:end].decode().partition("\t")
            yield form, forms

    def arrays(self) -> dict[str, np.ndarray]:
        return {f"{self.name}_{part}": getattr(self, part) for part in ("hashes", "starts", "text")}


class Vocabulary:
    """Folded form → accented forms with document frequencies, for syllables and for compounds.

    Each entry is kept as the text "form df form df …" and split when asked for; the tables are dicts when computed
    or read from an older JSON file, `HashedTable`s when read from the file a build writes."""

    def __init__(self, syllables: dict[str, str] | HashedTable, compounds: dict[str, str] | HashedTable) -> None:
        self.syllables = syllables
        self.compounds = compounds

    @classmethod
    def from_reader(cls, reader, directory: Path | None = None) -> "Vocabulary":
        """Read the exact-syllable and compound lexicons of an index (one pass over each): from a segment's decoded
        term table when it has one (`directory`), else from Whoosh's terms."""
        leaves = _leaves(reader, directory)
        return cls(*(_grouped(leaves, fields, min_df) for _name, fields, min_df in TABLES))

    @classmethod
    def load(cls, directory: Path) -> "Vocabulary":
        """The vocabulary saved in `directory` (empty when there is none); ValueError when its file is damaged."""
        path = Path(directory) / FILE
        if path.exists():
            try:
                with open(path, "rb") as file, np.load(file) as arrays:  # numpy leaves a damaged file open
                    return cls(*(HashedTable(name, *(arrays[f"{name}_{part}"] for part in ("hashes", "starts", "text")))
                                 for name, _fields, _min_df in TABLES))
            except (zipfile.BadZipFile, EOFError) as err:
                raise ValueError(f"{path}: {err}") from None
        path = Path(directory) / JSON_FILE
        if not path.exists():
            return cls({}, {})
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:  # an index built before: [[form, df], …] lists
            tables = ({key: _joined(forms) for key, forms in data[name].items()} for name in ("syllables", "compounds"))
            return cls(*tables)
        return cls(data["syllables"], data["compounds"])

    def save(self, directory: Path) -> None:
        _write(directory, {"syllables": lambda: self.syllables, "compounds": lambda: self.compounds})

    def knows(self, exact_word: str) -> bool:
        """Whether this accented, lowercase word occurs in the index."""
        return any(form == exact_word for form, _ in _forms(self.syllables, fold(exact_word)))

    def frequency(self, exact_word: str) -> int:
        """How many headlines and bodies have this accented, lowercase word (0 for a form too rare to be kept)."""
        return next((df for form, df in _forms(self.syllables, fold(exact_word)) if form == exact_word), 0)

    def doc_freq(self, folded: str) -> int:
        return sum(df for _, df in _forms(self.syllables, folded))

    def accented(self, folded: str) -> str | None:
        """The most frequent accented form of a folded syllable."""
        forms = _forms(self.syllables, folded)
        return forms[0][0] if forms else None

    def compound_forms(self, folded_parts: list[str]) -> list[str]:
        """The accented compounds ("thủ_tướng") that these folded syllables may spell, most frequent first."""
        return [form for form, _ in _forms(self.compounds, JOINER.join(folded_parts))]

    def correction(self, folded: str) -> str | None:
        """A clearly more frequent folded word one edit away, for a word the index barely knows."""
        best, best_df = None, self.doc_freq(folded) * 20
        candidates = list(_one_edit(folded))
        table = self.syllables
        entries = table.get_many(candidates) if isinstance(table, HashedTable) else [table.get(c, "") for c in candidates]
        for candidate, entry in zip(candidates, entries):
            df = sum(df for _form, df in _parsed(entry))
            if df > best_df:
                best, best_df = candidate, df
        return best


def build_vocabulary(index, directory: Path) -> None:
    """Compute the vocabulary of a committed index and save it beside the index files, a table at a time: each is
    computed, written and let go before the next (at the full corpus the syllables' table alone holds 23 MB).
    A large index's is computed in a new process: its 90 MB of strings would otherwise stack on the 100 MB that a
    build's heap keeps of what it freed."""
    if index.doc_count_all() < heap.OWN_PROCESS_DOCS:
        _build(index, directory)
    else:
        heap.apart(_build_in, (str(directory),), f"the vocabulary of {directory} was not built")


def _build_in(directory: str) -> None:
    _build(whoosh_index.open_dir(directory), Path(directory))


def _build(index, directory: Path) -> None:
    with index.reader() as reader:
        leaves = _leaves(reader, directory)
        _write(directory, {name: partial(_grouped, leaves, fields, min_df) for name, fields, min_df in TABLES})


def _leaves(reader, directory: Path | None) -> list:
    return [(leaf, decoded.open_segment(directory, leaf) if directory else None) for leaf, _ in reader.leaf_readers()]


def _write(directory: Path, tables: dict[str, Callable[[], dict[str, str] | HashedTable]]) -> None:
    """The tables as `HashedTable`s in one file, each computed and turned into arrays before the next."""
    path = Path(directory) / FILE
    arrays: dict[str, np.ndarray] = {}
    for name, table in tables.items():
        made = table()
        arrays |= (made if isinstance(made, HashedTable) else HashedTable.of(name, made)).arrays()
        del made
    partial_path = path.with_name(f".{os.getpid()}.{FILE}")
    np.savez(partial_path, **arrays)
    os.replace(partial_path, path)  # a reader sees the old vocabulary or the new one, never half of it
    (Path(directory) / JSON_FILE).unlink(missing_ok=True)  # an add to an index built before: its JSON is stale


def _grouped(leaves: list, fieldnames: tuple[str, ...], min_df: int) -> dict[str, str]:
    counts: dict[str, int] = defaultdict(int)
    for leaf, segment in leaves:
        if segment is not None and segment.terms is not None:
            for text, count in segment.lexicon(fieldnames):
                counts[text] += count
            continue
        for fieldname in fieldnames:
            if fieldname in leaf.indexed_field_names():
                for term, info in leaf.iter_field(fieldname):
                    counts[term.decode("utf-8")] += info.doc_frequency()
    forms = sorted(form for form, df in counts.items() if df >= min_df)  # ties in frequency: by form
    dfs = np.fromiter(map(counts.__getitem__, forms), dtype=np.int64, count=len(forms))
    del counts
    keys: dict[str, int] = {}
    folded = fold.__wrapped__  # each form once: the cache would only hold a few hundred thousand of them
    key = np.fromiter((keys.setdefault(folded(form), len(keys)) for form in forms), dtype=np.int64, count=len(forms))
    order = np.lexsort((-dfs, key))  # stable: by key, then frequency, then form
    firsts = np.searchsorted(key[order], np.arange(len(keys) + 1)).tolist()
    order, dfs = order.tolist(), dfs.tolist()
    return {name: " ".join(f"{forms[k]} {dfs[k]}" for k in order[first:min(first + PER_FORM, end)])
            for name, first, end in zip(keys, firsts, firsts[1:])}


def _joined(forms: list) -> str:
    return " ".join(f"{form} {df}" for form, df in forms)


def _forms(table: dict[str, str] | HashedTable, key: str) -> list[tuple[str, int]]:
    """The (form, document frequency) pairs of an entry, most frequent first."""
    return _parsed(table.get(key, ""))


def _parsed(entry: str) -> list[tuple[str, int]]:
    parts = entry.split()
    return [(parts[i], int(parts[i + 1])) for i in range(0, len(parts), 2)]


def _one_edit(word: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    inserts = {a + c + b for a, b in splits for c in _LETTERS}
    return (deletes | swaps | replaces | inserts) - {word}
