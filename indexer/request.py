"""A search request, validated: what the page, the JSON API and the CLI all pass to the search service."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Mapping, Sequence

from indexer.countries import is_country_code
from indexer.schema import UNDATED

MAX_PER_PAGE = 100
MAX_RESULTS_WINDOW = 10_000
SORTS = ("relevance", "date")
_DATE_FACET = re.compile(r"^(\d{4})(?:-(\d{2}))?$")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")  # date.fromisoformat also takes week dates: 2025-W01-1


class BadRequest(ValueError):
    """A parameter is out of range or malformed; the message names it and says what is allowed."""


@dataclass(frozen=True)
class SearchRequest:
    """Query text, filters (countries, date range, date facet), sort and page."""

    q: str = ""
    countries: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    date: str | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10

    @classmethod
    def from_params(cls, params: Mapping[str, Sequence[str]]) -> "SearchRequest":
        """Build from multi-valued parameters (e.g. a query string); raises BadRequest on any bad value."""
        def one(name: str) -> str | None:
            values = [v.strip() for v in params.get(name, ()) if v and v.strip()]
            return values[-1] if values else None

        request = cls(
            q=one("q") or "",
            countries=tuple(dict.fromkeys(_country(v) for v in params.get("country", ()) if v.strip())),
            date_from=_iso_date("from", one("from")),
            date_to=_iso_date("to", one("to")),
            date=_date_facet(one("date")),
            sort=_choice("sort", one("sort") or "relevance", SORTS),
            page=_integer("page", one("page"), 1, MAX_RESULTS_WINDOW),
            per_page=_integer("per_page", one("per_page"), 10, MAX_PER_PAGE),
        )
        request.check()
        return request

    def check(self) -> None:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise BadRequest(f"'from' ({self.date_from}) sau 'to' ({self.date_to}): ngày bắt đầu phải trước ngày kết thúc")
        if self.page * self.per_page > MAX_RESULTS_WINDOW:
            raise BadRequest(f"trang {self.page} vượt quá {MAX_RESULTS_WINDOW:,} kết quả đầu tiên; hãy thu hẹp tìm kiếm")


def _country(value: str) -> str:
    code = value.strip().upper()
    if not is_country_code(code):
        raise BadRequest(f"không có mã quốc gia {value.strip()[:20]!r}: dùng mã ISO 3166-1 hai chữ cái như VN, CN, RU")
    return code


def _iso_date(name: str, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None or not _ISO_DAY.match(value):
        raise BadRequest(f"'{name}' phải là ngày dạng YYYY-MM-DD, không phải {value[:30]!r}")
    return value


def _date_facet(value: str | None) -> str | None:
    if value is None or value == UNDATED:
        return value
    match = _DATE_FACET.match(value)
    if not match or (match[2] and not 1 <= int(match[2]) <= 12):
        raise BadRequest(f"'date' phải là năm (2025), tháng (2025-03) hoặc '{UNDATED}', không phải {value[:30]!r}")
    return value


def _choice(name: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise BadRequest(f"'{name}' phải là một trong {', '.join(allowed)}, không phải {value[:30]!r}")
    return value


def _integer(name: str, value: str | None, default: int, maximum: int) -> int:
    if value is None:
        return default
    if not value.isascii() or not value.isdigit() or len(value) > 9:
        raise BadRequest(f"'{name}' phải là số nguyên từ 1 đến {maximum:,}, không phải {value[:30]!r}")
    number = int(value)
    if not 1 <= number <= maximum:
        raise BadRequest(f"'{name}' phải từ 1 đến {maximum:,}, không phải {number:,}")
    return number
