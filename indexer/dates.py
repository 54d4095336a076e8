"""Dates in scraped Vietnamese news pages: read one as ISO, and tell a page's publication stamp from body text."""
from __future__ import annotations

import re
from datetime import date
from typing import Iterable, Iterator, NamedTuple

MIN_YEAR, MAX_YEAR = 1900, 2100
MAX_STAMP_WORDS = 4  # words a stamp line may carry besides the date: a section name, a place

_DAY_MONTH_YEAR = re.compile(r"(?<!\d)(?P<d>\d{1,2})(?P<sep>[/.-])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4})(?!\d)")
_YEAR_MONTH_DAY = re.compile(r"(?<!\d)(?P<y>\d{4})(?P<sep>[/.-])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d)")
_IN_WORDS = re.compile(r"(?<!\d)(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2}),?\s+năm\s+(?P<y>\d{4})(?!\d)", re.I)
_DATE_PATTERNS = (_DAY_MONTH_YEAR, _YEAR_MONTH_DAY, _IN_WORDS)

# What a stamp line holds around its date: labels, weekday, time, time zone.
_LABEL = (r"ngày\s+đăng|đăng\s+ngày|đăng\s+lúc|ngày\s+cập\s+nhật|cập\s+nhật(?:\s+lúc)?|ngày\s+xuất\s+bản"
          r"|xuất\s+bản|thời\s+gian|published|updated|posted|ngày|lúc")
_WEEKDAY = r"thứ\s+(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s+nhật|cn|t[2-7]"
_TIME = r"\d{1,2}[:h]\d{2}(?::\d{2})?(?:\s*(?:am|pm|sa|ch))?"
_ZONE = r"\(?\s*(?:gmt|utc)\s*[+-]\s*\d{1,2}(?::\d{2})?\s*\)?"
_ANY_DATE = r"\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}|\d{1,2}\s+tháng\s+\d{1,2},?\s+năm\s+\d{4}"
_STAMP_PART = re.compile(rf"\b(?:{_LABEL}|{_WEEKDAY})\b|{_ZONE}|\b(?:{_TIME}|{_ANY_DATE})\b", re.I)
_WORD = re.compile(r"[^\W\d_]+")
_BEFORE_SEPARATOR = re.compile(r"\s*(?P<label>\w.*?)\s*[-–—|»]+\s*")


class Stamp(NamedTuple):
    """A page's date stamp line: its date, the label printed before it (a section name), and whether that is all."""

    date: str
    label: str | None
    bare: bool


def parse_date(text: str) -> str | None:
    """The first real calendar date written in the text (years 1900..2100), as ISO YYYY-MM-DD; else None."""
    return next((iso for iso, _ in _dates(text)), None)


def stamp(line: str) -> Stamp | None:
    """The line read as a date stamp (a date with at most a label, weekday, time, place), or None for other text."""
    found = next(_dates(line), None)
    if found is None:
        return None
    iso, match = found
    rest = _STAMP_PART.sub(" ", line[:match.start()] + " " + line[match.end():])
    words = _WORD.findall(rest)
    if len(words) > MAX_STAMP_WORDS:
        return None
    return Stamp(iso, _label(line), bare=not words)


def publication_stamp(header: Iterable[str]) -> Stamp | None:
    """The first stamp among a page's header lines: the publication date, not a date the story mentions."""
    return next((found for line in header if (found := stamp(line))), None)


def publication_date(header: Iterable[str]) -> str | None:
    """The publication date of a page from its header lines, as ISO; None when the header states none."""
    found = publication_stamp(header)
    return found.date if found else None


def _dates(text: str) -> Iterator[tuple[str, re.Match]]:
    matches = sorted((m for pattern in _DATE_PATTERNS for m in pattern.finditer(text)), key=lambda m: m.start())
    for match in matches:
        if iso := _iso(int(match["y"]), int(match["m"]), int(match["d"])):
            yield iso, match


def _iso(year: int, month: int, day: int) -> str | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _label(line: str) -> str | None:
    """The text before the stamp proper when a dash or bar sets it off: 'Doanh nghiệp - Ngày đăng : ...'."""
    first = _STAMP_PART.search(line)
    head = _BEFORE_SEPARATOR.fullmatch(line[:first.start()]) if first else None
    return head["label"] if head else None
