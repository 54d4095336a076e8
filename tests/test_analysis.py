import pickle

from indexer.analysis import compound_analyzer, exact_analyzer, fold, folded_analyzer, syllables

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
