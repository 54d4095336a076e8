import pytest

from indexer.syllable import Syllable, canonical_tones, is_syllable, split


@pytest.mark.parametrize("old, new", [
    ("hòa", "hoà"), ("thủy", "thuỷ"), ("khỏe", "khoẻ"), ("Hòa", "Hoà"), ("HÒA", "HOÀ"), ("lòe", "loè"),
])
def test_both_tone_placements_become_one(old, new):
    assert canonical_tones(old) == canonical_tones(new) == new


@pytest.mark.parametrize("word", [
    "quá", "quý", "giá", "già", "gì", "giếng", "người", "tướng", "hoàng", "hoài", "mùa", "thuở", "khuỵu", "thuở", "quốc", "nghiêng",
    "Việt", "toán", "huỳnh",
])
def test_words_already_canonical_are_unchanged(word):
    assert canonical_tones(word) == word


@pytest.mark.parametrize("word", ["Uzbekistan", "Zürich", "café", "covid19", "iPhone", "2.200"])
def test_foreign_words_are_left_alone(word):
    assert canonical_tones(word) == word


def test_text_keeps_its_length_and_everything_but_tone_placement():
    text = "Hòa bình, thủy lợi và sức khỏe: Zürich 26,5%"
    assert canonical_tones(text) == "Hoà bình, thuỷ lợi và sức khoẻ: Zürich 26,5%"
    assert len(canonical_tones(text)) == len(text)


def test_decomposed_input_is_composed():
    assert canonical_tones("ho\u0061\u0300") == "hoà"


def test_split_takes_a_syllable_apart():
    assert split("người") == Syllable("ng", "ươi", "", "\u0300")
    assert split("quốc") == Syllable("qu", "ô", "c", "\u0301")
    assert split("xyz") is None


@pytest.mark.parametrize("word, expected", [
    ("thủ", True), ("gìn", True), ("xoong", True), ("Nghiêng", True), ("qua", True), ("ác", True), ("quỳnh", True),
    ("quýt", True), ("quai", True), ("quyết", True), ("quân", True),
    ("àc", False),  # a syllable closed by c takes only the sắc or nặng tone
    ("bas", False), ("ươ", False), ("q", False), ("tr", False), ("facebook", False), ("trump", False),
    ("kyrgyzstan", False), ("ba\u0301\u0300", False),
])
def test_is_syllable(word, expected):
    assert is_syllable(word) is expected
