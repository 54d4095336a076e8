"""Country codes and their Vietnamese names from CLDR (through Babel), for facets, filters and the page.

Only real countries count: CLDR's two-letter territories without groupings (EU, UN), pseudo-locales and reserved
codes, plus the Soviet Union (SU), which the news still mentions. Finding countries in an article is `mentions`' work;
this module stays small because every search process imports it.
"""
from __future__ import annotations

from babel import Locale

# CLDR two-letter territories that are not countries: groupings, pseudo-locales, the unknown region, and the
# exceptionally reserved codes (Ascension, Clipperton, Diego Garcia, Ceuta & Melilla, Canaries, Tristan da Cunha).
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ", "AC", "CP", "DG", "EA", "IC", "TA"})
_HISTORICAL = {"SU": "Liên Xô"}


def _load_names() -> dict[str, str]:
    """Code → Vietnamese CLDR name for every real country code, plus the historical ones the news still mentions."""
    cldr = Locale("vi").territories
    names = {c: n for c, n in cldr.items() if len(c) == 2 and c.isalpha() and c not in _NOT_COUNTRIES}
    return names | _HISTORICAL


_NAMES = _load_names()


def country_name(code: str) -> str:
    """Vietnamese name of a country code ("UZ" → "Uzbekistan"), or the code itself when it is no country."""
    return _NAMES.get(code.upper(), code)


def is_country_code(code: str) -> bool:
    """True for a real country code in upper case (CLDR's countries plus SU); false for regions, EU, UN and junk."""
    return code in _NAMES


def all_countries() -> dict[str, str]:
    """Every country code with its Vietnamese name."""
    return dict(_NAMES)

