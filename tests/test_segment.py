from indexer.analysis import JOINER
from indexer.segment import mark_compounds


def test_marks_compounds_in_place():
    text = "Thủ tướng Phạm Minh Chính hội đàm với Thủ tướng Kyrgyzstan tại Hà Nội."
    assert mark_compounds(text) == "Thủ_tướng Phạm_Minh Chính hội_đàm với Thủ_tướng Kyrgyzstan tại Hà_Nội."


def test_keeps_every_offset():
    text = "Việt Nam-Uzbekistan: kim ngạch tăng 26,5% (2024).\nHai  bên  nhất trí\n\nhợp tác"
    marked = mark_compounds(text)
    assert len(marked) == len(text)
    assert marked.replace(JOINER, " ") == text


def test_never_joins_across_lines_or_double_spaces():
    assert mark_compounds("Thủ\ntướng") == "Thủ\ntướng"
    assert mark_compounds("Thủ  tướng") == "Thủ  tướng"


def test_existing_joiners_are_not_taken_for_compounds():
    assert mark_compounds("file_name thủ tướng") == "file name thủ_tướng"


def test_empty_and_single_words():
    assert [mark_compounds(t) for t in ("", "Nga", "  ")] == ["", "Nga", "  "]
