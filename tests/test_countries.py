"""Country codes and their CLDR names: what facets, filters and the page show."""
from __future__ import annotations

import subprocess
import sys

import pytest

from indexer.countries import all_countries, country_name, is_country_code


@pytest.mark.parametrize("code, name", [("VN", "Việt Nam"), ("UZ", "Uzbekistan"), ("RU", "Nga"), ("CN", "Trung Quốc"),
                                        ("US", "Hoa Kỳ"), ("KG", "Kyrgyzstan"), ("SU", "Liên Xô"), ("vn", "Việt Nam")])
def test_country_name(code: str, name: str) -> None:
    assert country_name(code) == name


@pytest.mark.parametrize("code", ["XX", "EU", "UN", "001", "", "Q"])
def test_country_name_of_a_non_country_is_the_code(code: str) -> None:
    assert country_name(code) == code


@pytest.mark.parametrize("code", ["VN", "US", "GB", "SU", "HK", "TW", "XK", "PS"])
def test_is_country_code(code: str) -> None:
    assert is_country_code(code)


@pytest.mark.parametrize("code", ["001", "150", "EU", "EZ", "UN", "ZZ", "XA", "QO", "IC", "vn", "VNM", "", "V1", "YU"])
def test_is_not_country_code(code: str) -> None:
    assert not is_country_code(code)


def test_all_countries() -> None:
    every = all_countries()
    assert 240 < len(every) < 270
    assert every["SU"] == "Liên Xô" and every["VN"] == "Việt Nam" and "EU" not in every
    assert all(is_country_code(code) and country_name(code) == name for code, name in every.items())


def test_a_search_process_does_not_load_the_extractor() -> None:
    code = "import sys, indexer.search; print('indexer.mentions' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "False\n"
