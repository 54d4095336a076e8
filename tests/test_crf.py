"""Our run of pyvi's CRF against crfsuite's: the same labels for the same syllables."""
from __future__ import annotations

from pathlib import Path

import pytest
from pyvi.ViTokenizer import ViTokenizer

from indexer import crf
from indexer.crf import Tagger, Weights
from indexer.segment import _model
from indexer.syllable import canonical_tones

SEEDS = Path(__file__).parent.parent / "seeds"
LINES = ["Thủ tướng Phạm Minh Chính hội đàm với Thủ tướng Kyrgyzstan tại Hà Nội ngày 5/3/2025.",
         "GIÁ XĂNG TĂNG 2.000 đồng/lít, người dân lo lắng", "Ông Nguyễn Văn A, 45 tuổi, ở TP.HCM", "Nga",
         "", "hợp tác", "  ...  ", "Bộ trưởng Bộ Ngoại giao Việt Nam và Ngoại trưởng Hoa Kỳ",
         "iPhone 16 Pro Max giảm giá"]


def _pyvi_labels(tokens: list[str]) -> list[str]:
    """What pyvi itself gives: its own features, tagged by crfsuite."""
    return list(ViTokenizer.model.predict([ViTokenizer.sent2features(tokens, False)])[0]) if tokens else []


def _syllables(lines: list[str]) -> list[list[str]]:
    return [ViTokenizer.sylabelize(canonical_tones(line))[1] for line in lines]


def test_the_labels_of_every_seed_line_are_crfsuites():
    lines = [line for seed in sorted(SEEDS.iterdir()) for line in seed.read_text(encoding="utf-8").split("\n")]
    tokens = _syllables(lines)
    assert sum(map(len, tokens)) > 5000
    assert _model()[1].tag(tokens) == [_pyvi_labels(t) for t in tokens]


@pytest.mark.parametrize("together", [1, 3, 10**6])
def test_lines_advanced_together_or_one_by_one_get_the_same_labels(monkeypatch, together):
    lines = [line for seed in sorted(SEEDS.iterdir()) for line in seed.read_text(encoding="utf-8").split("\n")]
    tokens = _syllables(lines)
    expected = _model()[1].tag(tokens)
    monkeypatch.setattr(crf, "TOGETHER", together)
    assert _model()[1].tag(tokens) == expected
    assert _model()[1].tag(tokens[::-1]) == expected[::-1]


def test_the_labels_of_odd_lines_are_crfsuites_one_at_a_time_and_together():
    tokens = _syllables(LINES)
    expected = [_pyvi_labels(t) for t in tokens]
    tagger = _model()[1]
    assert tagger.tag(tokens) == expected
    assert [tagger.tag([t])[0] for t in tokens] == expected
    assert tagger.tag([]) == [] and tagger.tag([[]]) == [[]]


def test_the_model_file_is_read_whole():
    weights = Weights.read(Path(ViTokenizer.model.modelfile.name).read_bytes())
    assert weights.labels == ("B_W", "I_W")
    assert len(weights.words) > 1000 and all(len(row) == 6 for row in weights.words.values())
    assert weights.flags["bias"] != (0.0, 0.0) and weights.transitions != (0.0,) * 4


def test_a_file_that_is_not_a_crfsuite_model_is_refused():
    with pytest.raises(ValueError, match="crfsuite model"):
        Weights.read(b"lCRF" + bytes(60))


@pytest.mark.parametrize("together", [1, 24])  # lines advanced with NumPy, or in Python
def test_ties_go_to_the_first_label_as_in_crfsuite(monkeypatch, together):
    monkeypatch.setattr(crf, "TOGETHER", together)
    flat = Weights(("B", "I"), {name: (0.0, 0.0) for name in Weights.read(
        Path(ViTokenizer.model.modelfile.name).read_bytes()).flags}, {}, (0.0, 0.0, 0.0, 0.0))
    assert Tagger(flat, set(), set()).tag([["a", "b", "c"]]) == [["B", "B", "B"]]
    leaning = Weights(("B", "I"), flat.flags | {"bias": (0.0, 1e-9)}, {}, (0.0, 0.0, 0.0, 0.0))
    assert Tagger(leaning, set(), set()).tag([["a", "b"]]) == [["I", "I"]]


def test_dictionary_ngrams_are_matched_whole_and_lowercase():
    names = Weights.read(Path(ViTokenizer.model.modelfile.name).read_bytes()).flags
    pairs = Weights(("B", "I"), {name: (0.0, 0.0) for name in names} | {"+1:word.bi_gram()": (0.0, 1.0)}, {},
                    (0.0, 0.0, 0.0, 0.0))
    tagger = Tagger(pairs, {"hà nội", "nội  thành", "x", "a b c"}, set())
    assert tagger.tag([["Hà", "Nội", "thành"], ["nội", "thành"], ["x"], ["a", "b", "c"]]) == \
        [["I", "B", "B"], ["B", "B"], ["B"], ["B", "B", "B"]]
