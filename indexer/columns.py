"""Facet columns written once at index time: each document's date and country set as NumPy arrays.

Reading Whoosh's columns value by value costs seconds at the start of every searcher of a large index (about 5 µs a
value); `columns.npz` holds the same values as small integer codes, valid for the exact list of segments it names.
"""
from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import NamedTuple

import numpy as np

FILE = "columns.npz"


class Coded(NamedTuple):
    """A column as its distinct values (sorted, "" first when present) and each document's code into them."""

    dates: list[str]
    date_codes: np.ndarray
    sets: list[str]
    set_codes: np.ndarray


def save(reader, directory: Path) -> None:
    """Write the date and country columns of every document of `reader` (atomically) into `directory`."""
    dates, date_codes = _codes(column(reader, "date"))
    sets, set_codes = _codes(column(reader, "countries"))
    tmp = Path(directory) / (FILE + ".tmp")
    with open(tmp, "wb") as out:
        np.savez(out, segments=np.array(_segments(reader)), dates_text=_text(dates), date_codes=date_codes,
                 sets_text=_text(sets), set_codes=set_codes)
    os.replace(tmp, Path(directory) / FILE)


def load(reader, directory: Path | None) -> Coded:
    """The dates and country sets of every document: from the file in `directory` when it was written for these
    segments, else (no file, a damaged one, one an older add left) read from Whoosh's columns."""
    try:
        with open(Path(directory or "") / FILE, "rb") as raw, np.load(raw, allow_pickle=False) as data:
            if data["segments"].tolist() == _segments(reader):
                return Coded(_values(data, "dates"), data["date_codes"], _values(data, "sets"), data["set_codes"])
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        pass
    return Coded(*_codes(column(reader, "date")), *_codes(column(reader, "countries")))


def column(reader, name: str) -> list[str]:
    """One value per document number from Whoosh's column; a segment where no document has the field has none."""
    values: list[str] = []
    for leaf, _offset in reader.leaf_readers():
        count = leaf.doc_count_all()
        if leaf.has_column(name):
            values += [v.decode("utf-8") if isinstance(v, bytes) else (v or "") for v in leaf.column_reader(name)]
        else:
            values += [""] * count
    return values


def _codes(values: list[str]) -> tuple[list[str], np.ndarray]:
    distinct = sorted(set(values)) or [""]
    code = {value: i for i, value in enumerate(distinct)}
    return distinct, np.fromiter((code[v] for v in values), dtype=np.int32, count=len(values))


def _text(values: list[str]) -> np.ndarray:
    """Distinct values as one UTF-8 text, a line each: a fixed-width string array of country sets held 11 MB of the
    full corpus's file, each set padded to the longest (137 characters)."""
    return np.frombuffer("\n".join(values).encode("utf-8"), dtype=np.uint8)


def _values(data, name: str) -> list[str]:
    if f"{name}_text" in data.files:
        return data[f"{name}_text"].tobytes().decode("utf-8").split("\n")
    return data[name].tolist()  # a file written before the values were one text


def _segments(reader) -> list[str]:
    segments = ((leaf.segment(), leaf.doc_count_all()) for leaf, _ in reader.leaf_readers())
    return [f"{segment.segment_id()}:{count}" for segment, count in segments if segment is not None]
