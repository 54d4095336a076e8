import pytest

from indexer.telex import decode_query, decode_query_word, decode_telex, decode_vni


@pytest.mark.parametrize("typed, meant", [
    ("hooij", "hội"), ("ddamf", "đàm"), ("thur", "thủ"), ("tuowngs", "tướng"), ("nguowif", "người"),
    ("vieetj", "việt"), ("vietej", "việt"), ("dduwowcj", "được"), ("quoocs", "quốc"), ("giaos", "giáo"),
    ("khoer", "khoẻ"), ("thuyr", "thuỷ"), ("hoaf", "hoà"), ("uwngs", "ứng"), ("tuw", "tư"), ("gif", "gì"),
    ("chaoz", "chao"), ("thuowngr", "thưởng"), ("quynhf", "quỳnh"),
])
def test_telex(typed, meant):
    assert decode_telex(typed) == meant


@pytest.mark.parametrize("typed, meant", [
    ("vie6t5", "việt"), ("d9a2m", "đàm"), ("thuy3", "thuỷ"), ("nguo7i2", "người"), ("a8n1", "ắn"),
])
def test_vni(typed, meant):
    assert decode_vni(typed) == meant


@pytest.mark.parametrize("word", [
    "facebook", "trump", "lavrov", "kyrgyzstan", "mass", "boss", "covid19", "u23", "2025", "nam", "ba", "xin",
    "hội", "Việt",
])
def test_words_that_are_not_keystrokes_stay(word):
    assert decode_query_word(word) == word


def test_case_is_kept():
    assert [decode_query_word(w) for w in ("Hooij", "HOOIJ", "Vie6t5")] == ["Hội", "HỘI", "Việt"]


def test_the_index_decides_between_the_word_typed_and_its_decoding():
    frequency = {"has": 40, "há": 3, "lee": 133, "lê": 2782, "công": 900, "pháp": 50}.get
    count = lambda w: frequency(w) or 0  # noqa: E731
    assert decode_query_word("has", count) == "has"            # the typed word is the more frequent
    assert decode_query_word("lee", count) == ("lee", "lê")    # both occur: both are searched
    assert decode_query_word("phaps", count) == "pháp"         # only the decoding occurs
    assert decode_query_word("coong", count) == "công"         # a syllable shape, but the index says công
    assert decode_query_word("xoong", count) == "xoong"        # neither occurs: a syllable stays as typed


def test_decode_query_joins_alternatives_with_or():
    count = {"lee": 133, "lê": 2782}.get
    assert decode_query("anh lee", lambda w: count(w) or 0) == "anh lee OR lê"


def test_decode_query():
    assert decode_query("hooij ddamf thur tuowngs trump") == "hội đàm thủ tướng trump"
