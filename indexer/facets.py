"""Facets: per-document values read once per searcher into arrays, counted over every matching document.

Each facet is a small class that counts and then presents plain dicts `{"value", "label", "count", "selected"}`.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Iterable

from indexer.countries import country_name
from indexer.schema import UNDATED

MAX_COUNTRIES = 40
UNDATED_LABEL = "Không rõ ngày"


@dataclass(frozen=True)
class FacetColumns:
    """Each document's countries, year and month, indexed by Whoosh document number."""

    countries: list[tuple[str, ...]]
    years: list[str]
    months: list[str]

    @classmethod
    def load(cls, reader) -> "FacetColumns":
        countries = [tuple(v.split(",")) if v else () for v in _column(reader, "countries")]
        return cls(countries, _column(reader, "year"), _column(reader, "month"))


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

    def count(self, columns: FacetColumns, docnums: Iterable[int]) -> Counter:
        counts: Counter = Counter()
        for doc in docnums:
            counts.update(columns.countries[doc])
        return counts

    def present(self, counts: Counter, selected: Iterable[str]) -> list[dict]:
        chosen = set(selected)
        top = sorted(counts.items(), key=lambda kv: (kv[0] not in chosen, -kv[1], country_name(kv[0])))
        return [{"value": code, "label": country_name(code), "count": n, "selected": code in chosen}
                for code, n in top[:MAX_COUNTRIES] if code]


class DateFacet:
    """Years of the matching articles (newest first, undated last); months too once a year or month is selected."""

    name = "date"

    def count(self, columns: FacetColumns, docnums: Iterable[int]) -> tuple[Counter, Counter]:
        years: Counter = Counter()
        months: Counter = Counter()
        for doc in docnums:
            years[columns.years[doc]] += 1
            months[columns.months[doc]] += 1
        return years, months

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


def _item(value: str, label: str, count: int, selected: str | None) -> dict:
    return {"value": value, "label": label, "count": count, "selected": value == selected}
