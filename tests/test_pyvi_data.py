"""pyvi's files read without pyvi: the same dictionary and model bytes as pyvi's own import, and nothing of
scikit-learn loaded by a process that segments."""
from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from pyvi.ViTokenizer import ViTokenizer

from indexer import pyvi_data


def test_the_dictionary_and_the_model_are_pyvis_own():
    models = pyvi_data.folder()
    assert pyvi_data.ngrams(models) == (ViTokenizer.bi_grams, ViTokenizer.tri_grams)
    assert pyvi_data.crf_model(models) == Path(ViTokenizer.model.modelfile.name).read_bytes()


def test_segmenting_imports_neither_pyvi_nor_scikit_learn():
    code = ("import sys; from indexer.segment import mark_compounds; print(mark_compounds('Thủ tướng hội đàm'), "
            "sorted({m.split('.')[0] for m in sys.modules} & {'pyvi', 'sklearn', 'scipy', 'pycrfsuite'}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "Thủ_tướng hội_đàm []\n"


def test_a_pickle_without_a_model_is_refused(tmp_path):
    (tmp_path / "pyvi3.pkl").write_bytes(pickle.dumps({"modelfile": None}))
    with pytest.raises(ValueError, match="holds no crfsuite model"):
        pyvi_data.crf_model(tmp_path)
