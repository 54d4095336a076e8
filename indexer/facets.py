"""Facets: per-value document bitmaps built once per searcher, counted over every matching document with `&`.

Each facet is a small class that counts and then presents plain dicts `{"value", "label", "count", "selected"}`.
"""
from __future__ import annotations

import sys
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Iterable

from indexer import docsets

from indexer.countries import country_name
from indexer.schema import UNDATED

MAX_COUNTRIES = 40
UNDATED_LABEL = "Không rõ ngày"


@dataclass(frozen=True)
class FacetColumns:
    """Per facet value, the bitmap of its documents; and the documents in date order, for date sorts and ranges."""

    countries: dict[str, int]
    years: dict[str, int]
    months: dict[str, int]
    dated: list[tuple[str, int]]   # (date, docnum), oldest first: date ranges are two bisections
    newest: list[int]              # docnums, newest first, undated last
    rank: list[int]                # each docnum's place in `newest`

    @classmethod
    def load(cls, reader) -> "FacetColumns":
        size = reader.doc_count_all()
        countries = [v.split(",") if v else () for v in _column(reader, "countries")]
        dates = _column(reader, "date")
        dated = sorted((d, doc) for doc, d in enumerate(dates) if d)
        undated = [doc for doc, d in enumerate(dates) if not d]
        newest = [doc for _, doc in sorted(dated, key=lambda dd: (dd[0], -dd[1]), reverse=True)] + undated
        rank = [0] * size
        for place, doc in enumerate(newest):
            rank[doc] = place
        return cls(_bitmaps(countries, size), _bitmaps(([v] for v in _column(reader, "year")), size),
                   _bitmaps(([v] for v in _column(reader, "month")), size), dated, newest, rank)

    def date_range(self, start: str | None, end: str | None) -> int:
        """The bitmap of the documents dated from `start` to `end`, both included (either may be open)."""
        lo = bisect_left(self.dated, (start, -1)) if start else 0
        hi = bisect_right(self.dated, (end, sys.maxsize)) if end else len(self.dated)
        return docsets.from_ids((doc for _, doc in self.dated[lo:hi]), len(self.newest))


def _bitmaps(values: Iterable[Iterable[str]], size: int) -> dict[str, int]:
    bufs: dict[str, bytearray] = defaultdict(lambda: bytearray((size + 7) // 8))
    for doc, keys in enumerate(values):
        for key in keys:
            bufs[key][doc >> 3] |= 1 << (doc & 7)
    return {key: int.from_bytes(buf, "little") for key, buf in bufs.items() if key}


def _column(reader, name: str) -> list[str]:
    """One value per document number; a segment where no document has the field has no column at all."""
    values: list[str] = []
    for leaf, _offset in reader.leaf_readers():
        count = leaf.doc_count_all()
        if leaf.has_column(name):
            values += [v.decode("utf-8") if isinstance(v, bytes) else (v or "") for v in leaf.column_reader(name)]
        else:
            values += [""] * count
    return values


class CountryFacet:
    """Countries the matching articles mention; several can be selected, each must then be mentioned."""

    name = "country"

    def count(self, columns: FacetColumns, matching: int) -> Counter:
        return _counts(columns.countries, matching)

    def present(self, counts: Counter, selected: Iterable[str]) -> list[dict]:
        chosen = set(selected)
        top = sorted(counts.items(), key=lambda kv: (kv[0] not in chosen, -kv[1], country_name(kv[0])))
        return [{"value": code, "label": country_name(code), "count": n, "selected": code in chosen}
                for code, n in top[:MAX_COUNTRIES] if code]


class DateFacet:
    """Years of the matching articles (newest first, undated last); months too once a year or month is selected."""

    name = "date"

    def count(self, columns: FacetColumns, matching: int) -> tuple[Counter, Counter]:
        return _counts(columns.years, matching), _counts(columns.months, matching)

    def present(self, counts: tuple[Counter, Counter], selected: str | None) -> list[dict]:
        years, months = counts
        items = [_item(y, y, n, selected) for y, n in sorted(years.items(), reverse=True) if y and y != UNDATED]
        if selected and selected != UNDATED:
            year = selected[:4]
            items += [_item(m, f"Tháng {int(m[5:])}/{year}", n, selected)
                      for m, n in sorted(months.items(), reverse=True) if m.startswith(year + "-")]
        if years.get(UNDATED):
            items.append(_item(UNDATED, UNDATED_LABEL, years[UNDATED], selected))
        return items


def _counts(bitmaps: dict[str, int], matching: int) -> Counter:
    counts = Counter({value: (matching & bitmap).bit_count() for value, bitmap in bitmaps.items()})
    return +counts  # drop the zeros


def _item(value: str, label: str, count: int, selected: str | None) -> dict:
    return {"value": value, "label": label, "count": count, "selected": value == selected}
