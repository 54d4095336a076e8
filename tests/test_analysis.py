import pickle

from collections import Counter

from indexer.analysis import (compound_analyzer, compound_counts, exact_analyzer, exact_counts, fold,
                              folded_analyzer, folded_positions, syllables)

TEXT = "Thủ_tướng thăm Hà_Nội, hoà bình 26,5% HOÀ"


def tokens(analyzer, text=TEXT) -> list[tuple[str, int, int]]:
    return [(t.text, t.startchar, t.endchar) for t in analyzer(text, chars=True, positions=True)]


def test_folded_tokens_point_into_the_original_text():
    assert tokens(folded_analyzer()) == [
        ("thu", 0, 3), ("tuong", 4, 9), ("tham", 10, 14), ("ha", 15, 17), ("noi", 18, 21), ("hoa", 23, 26),
        ("binh", 27, 31), ("26,5", 32, 36), ("hoa", 38, 41),
    ]


def test_exact_tokens_keep_accents_with_one_tone_placement():
    assert tokens(exact_analyzer()) == [
        ("thủ", 0, 3), ("tướng", 4, 9), ("thăm", 10, 14), ("hà", 15, 17), ("nội", 18, 21), ("hoà", 23, 26),
        ("bình", 27, 31), ("26,5", 32, 36), ("hoà", 38, 41),
    ]


def test_compounds_are_the_segmented_words_only():
    assert tokens(compound_analyzer()) == [("thủ_tướng", 0, 9), ("hà_nội", 15, 21)]


def test_fold_drops_diacritics_and_d_stroke():
    assert [fold(w) for w in ("Hội", "ĐÀM", "Nguyễn", "Ứng", "đ", "🙂", "Zürich")] == [
        "hoi", "dam", "nguyen", "ung", "d", "", "zurich"]


def test_symbols_that_fold_to_nothing_are_dropped():
    assert tokens(folded_analyzer(), "a 🙂 b") == [("a", 0, 1), ("b", 4, 5)]


def test_query_side_uses_the_same_syllables():
    assert syllables("Việt Nam-Uzbekistan 2.200 người") == ["Việt", "Nam", "Uzbekistan", "2.200", "người"]


def test_analyzers_pickle_without_models():
    for make in (folded_analyzer, exact_analyzer, compound_analyzer):
        analyzer = pickle.loads(pickle.dumps(make()))
        assert tokens(analyzer) == tokens(make())


def _grouped(analyzer, text: str) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for t in analyzer(text, positions=True):
        out.setdefault(t.text, []).append(t.pos)
    return out


def test_folded_positions_are_the_folded_analyzers_tokens_grouped():
    text = TEXT + " ʔ hoà Hoà"  # "ʔ" is a word that folds to nothing: it is dropped but keeps its position
    assert folded_positions(text) == {"thu": [0], "tuong": [1], "tham": [2], "ha": [3], "noi": [4],
                                      "hoa": [5, 8, 10, 11], "binh": [6], "26,5": [7]}
    assert folded_positions(text) == _grouped(folded_analyzer(), text)
    assert list(folded_positions(text)) == list(_grouped(folded_analyzer(), text))  # first occurrence first


def test_exact_and_compound_counts_are_their_analyzers_tokens_counted():
    assert exact_counts(TEXT) == Counter({"hoà": 2, "thủ": 1, "tướng": 1, "thăm": 1, "hà": 1, "nội": 1,
                                          "bình": 1, "26,5": 1})
    assert compound_counts(TEXT + " Thủ_Tướng") == Counter({"thủ_tướng": 2, "hà_nội": 1})
    for counts, analyzer in ((exact_counts, exact_analyzer()), (compound_counts, compound_analyzer())):
        assert counts(TEXT) == Counter(t.text for t in analyzer(TEXT))
