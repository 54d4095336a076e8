import pytest

from indexer.query import Clause, ParsedQuery, QueryError, parse


def test_plain_words_are_each_required():
    assert parse("hoi dam thu tuong") == ParsedQuery([[Clause(("hoi",))], [Clause(("dam",))], [Clause(("thu",))],
                                                       [Clause(("tuong",))]])


def test_phrases_exclusions_or_and_title():
    parsed = parse('title:"hội đàm" uzbekistan OR kyrgyzstan -"thu tuong" -nga')
    assert parsed == ParsedQuery(
        groups=[[Clause(("hội", "đàm"), phrase=True, field="title")],
                [Clause(("uzbekistan",)), Clause(("kyrgyzstan",))]],
        excluded=[Clause(("thu", "tuong"), phrase=True), Clause(("nga",))],
    )
    assert parsed.searched == 'title:"hội đàm" uzbekistan OR kyrgyzstan -"thu tuong" -nga'


@pytest.mark.parametrize("typed, searched", [
    ('"unbalanced quote', '"unbalanced quote"'),
    ('AND OR NOT -- ""', ""),
    ("trump NOT nga AND lavrov", "trump lavrov -nga"),
    ("OR OR a OR", "a"),
    ("covid-19 http://x.vn", "covid 19 http x vn"),
    ("nosuchfield:word", "nosuchfield word"),
    ("\x00\x07tab\there\u200b \ud800", "tab here"),
    ("Ho\u0300a", "Hòa"),
    ("   ", ""),
])
def test_strange_queries_parse_to_something_searchable(typed, searched):
    assert parse(typed).searched == searched


def test_decoder_is_applied_to_each_word():
    assert parse('hooij "ddamf x" -nga', decode=str.upper).searched == 'HOOIJ "DDAMF X" -NGA'


def test_overlong_queries_get_a_clear_message():
    with pytest.raises(QueryError, match="quá dài"):
        parse("a" * 501)
    with pytest.raises(QueryError, match="quá nhiều từ"):
        parse(" ".join(["tin"] * 33))


def test_a_word_decoded_to_two_candidates_is_an_or_group():
    decode = {"lee": ("lee", "lê"), "hooij": "hội"}.get
    parsed = parse('hooij lee "hooij lee"', decode=lambda w: decode(w, w))
    assert parsed.searched == 'hội lee OR lê "hội lê"'
