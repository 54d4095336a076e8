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


def test_syllables_are_pyvis_with_their_offsets():
    from pathlib import Path

    from pyvi.ViTokenizer import ViTokenizer

    from indexer.segment import _syllables

    seeds = Path(__file__).parent.parent / "seeds"
    lines = [line for seed in sorted(seeds.iterdir()) for line in seed.read_text(encoding="utf-8").split("\n")]
    lines += ["Email: ban.doc@vnexpress.net, web https://vnexpress.net/a?b=1 ==> 3.500,25 tỷ...", "TP. HCM, Mr. Lee",
              "Ho\u0300a bi\u0300nh"]  # the last one decomposed (NFD): pyvi splits it made NFC
    for line in lines:
        tokens, starts = _syllables(line, ViTokenizer)
        assert tokens == ViTokenizer.sylabelize(line)[1]
        assert [line[s:s + len(t)] for s, t in zip(starts, tokens)] == tokens[:len(starts)]
    assert _syllables("Ho\u0300a bi\u0300nh", ViTokenizer) == (["Hòa", "bình"], [])
