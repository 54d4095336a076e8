"""Country codes and their Vietnamese names from CLDR (through Babel), for facets, filters and the page.

Only real countries count: CLDR's two-letter territories without groupings (EU, UN), pseudo-locales and reserved
codes, plus the Soviet Union (SU), which the news still mentions. Finding countries in an article is `mentions`' work;
this module stays small because every search process imports it.
"""
from __future__ import annotations

import json
from pathlib import Path

# CLDR two-letter territories that are not countries: groupings, pseudo-locales, the unknown region, and the
# exceptionally reserved codes (Ascension, Clipperton, Diego Garcia, Ceuta & Melilla, Canaries, Tristan da Cunha).
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ", "AC", "CP", "DG", "EA", "IC", "TA"})
_HISTORICAL = {"SU": "Liên Xô"}
# Babel's names as they were last written by `python -m indexer.countries` (a test checks they still are): a search
# process reads 251 names instead of importing Babel and unpickling CLDR's Vietnamese locale (25 ms of its start)
SNAPSHOT = Path(__file__).with_name("data") / "countries_vi.json"


def from_babel() -> dict[str, str]:
    """Code → Vietnamese CLDR name for every real country code, plus the historical ones the news still mentions."""
    from babel import Locale

    cldr = Locale("vi").territories
    names = {c: n for c, n in cldr.items() if len(c) == 2 and c.isalpha() and c not in _NOT_COUNTRIES}
    return dict(sorted((names | _HISTORICAL).items()))


def write_snapshot() -> None:
    SNAPSHOT.write_text(json.dumps(from_babel(), ensure_ascii=False, indent=0) + "\n", encoding="utf-8")


def _snapshot() -> dict[str, str]:
    try:
        return json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    except FileNotFoundError:  # a checkout without it: Babel's, until `python -m indexer.countries` writes it
        return from_babel()


_NAMES = _snapshot()


def country_name(code: str) -> str:
    """Vietnamese name of a country code ("UZ" → "Uzbekistan"), or the code itself when it is no country."""
    return _NAMES.get(code.upper(), code)


def is_country_code(code: str) -> bool:
    """True for a real country code in upper case (CLDR's countries plus SU); false for regions, EU, UN and junk."""
    return code in _NAMES


def all_countries() -> dict[str, str]:
    """Every country code with its Vietnamese name."""
    return dict(_NAMES)


if __name__ == "__main__":
    write_snapshot()
