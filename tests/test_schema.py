import pickle

import pytest
from whoosh.fields import TEXT

from indexer.schema import SyllableText, make_schema
from indexer.segment import mark_compounds

TEXTS = [
    "Thủ_tướng thăm Hà_Nội, hoà bình 26,5% HOÀ",
    "Hội đàm Việt Nam - Nga: hội đàm kéo dài 2.200 giây ʔ 🙂 hội",
    "",
    "a " * 300 + "b",  # a frequency and positions past one byte
]
TEXT_FIELDS = ["title", "title_exact", "title_cw", "body", "body_exact", "body_cw"]


@pytest.mark.parametrize("name", TEXT_FIELDS)
def test_a_syllable_field_indexes_what_whoosh_would_from_its_analyzer(name):
    field = make_schema()[name]
    for text in TEXTS + [mark_compounds("Thủ tướng Phạm Minh Chính hội đàm với Tổng thống Uzbekistan.")]:
        assert list(field.index(text)) == list(TEXT.index(field, text))


def test_other_formats_and_arguments_take_whoosh_path():
    chars = SyllableText("folded", chars=True)  # positions with character spans: not counted here
    assert list(chars.index("hội đàm hội")) == list(TEXT.index(chars, "hội đàm hội"))
    positional_exact = SyllableText("exact", phrase=True)
    assert list(positional_exact.index("Hội hội")) == list(TEXT.index(positional_exact, "Hội hội"))
    assert list(make_schema()["body"].index(["hoi", "dam"])) == list(TEXT.index(make_schema()["body"], ["hoi", "dam"]))


def test_the_schema_pickles_with_its_fields_and_analyzers():
    schema = pickle.loads(pickle.dumps(make_schema()))
    assert isinstance(schema["body"], SyllableText) and schema["body"].form == "folded"
    assert list(schema["body_exact"].index(TEXTS[0])) == list(make_schema()["body_exact"].index(TEXTS[0]))
