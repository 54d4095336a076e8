"""pyvi's dictionary and CRF model, read from the files its package ships, without importing pyvi.

Importing `pyvi.ViTokenizer` unpickles its CRF as a scikit-learn estimator: scikit-learn, SciPy and python-crfsuite
come with it, 80 MB and a few seconds in every process that segments. Segmentation needs only the model's weights
(`crf.Weights`) and the word list, so both are taken from the files, as pyvi 0.1.1 reads them.
"""
from __future__ import annotations

import codecs
import importlib.util
import pickle
from pathlib import Path


def folder() -> Path:
    """pyvi's `models` folder (found without running the package)."""
    spec = importlib.util.find_spec("pyvi")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("pyvi is not installed")
    return Path(spec.origin).parent / "models"


def ngrams(models: Path) -> tuple[frozenset[str], frozenset[str]]:
    """The dictionary's words of two and of three syllables, split as pyvi splits `words.txt`."""
    entries = [line.split(" ") for line in (models / "words.txt").read_bytes().decode("utf-8").split("\n")]
    return (frozenset(" ".join(parts) for parts in entries if len(parts) == 2),
            frozenset(" ".join(parts) for parts in entries if len(parts) == 3))


def crf_model(models: Path) -> bytes:
    """The crfsuite model file held in pyvi's pickled estimator (`pyvi3.pkl`)."""
    with open(models / "pyvi3.pkl", "rb") as f:
        estimator = _StateOnly(f).load()
    try:
        return estimator.state["modelfile"].state["__FILE_RESOURCE_DATA__"]
    except (AttributeError, KeyError, TypeError) as error:
        raise ValueError(f"{models / 'pyvi3.pkl'} holds no crfsuite model where pyvi 0.1.1 keeps it") from error


class _State:
    """Whatever class the pickle names (scikit-learn's, python-crfsuite's, NumPy's): only its state is kept."""

    def __init__(self, *args) -> None:
        self.args = args

    def __setstate__(self, state) -> None:
        self.state = state


class _StateOnly(pickle.Unpickler):
    """Builds no object of the pickle's own classes: nothing of scikit-learn is imported or run."""

    def find_class(self, module: str, name: str):
        if (module, name) == ("_codecs", "encode"):
            return codecs.encode  # how protocol 2 writes bytes
        return _State
