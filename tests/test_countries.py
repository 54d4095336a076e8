"""Country codes and their CLDR names: what facets, filters and the page show."""
from __future__ import annotations

import subprocess
import sys

import pytest

from indexer import countries
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


def test_the_snapshot_holds_babels_names() -> None:
    assert all_countries() == countries.from_babel()  # if not: `python -m indexer.countries` writes it again


def test_without_the_snapshot_the_names_come_from_babel(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(countries, "SNAPSHOT", tmp_path / "countries_vi.json")
    assert countries._snapshot() == countries.from_babel()
    countries.write_snapshot()
    assert countries._snapshot() == countries.from_babel() and (tmp_path / "countries_vi.json").exists()


def test_a_search_process_loads_neither_the_extractor_nor_babel() -> None:
    code = "import sys, indexer.search; print('indexer.mentions' in sys.modules, 'babel' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == \
        "False False\n"
