"""A fixed, varied query mix drawn from the corpus: accented, accent-free, Telex, phrases, filters, rare and common."""
from __future__ import annotations

import random
import re
import unicodedata
from typing import Iterable

from indexer.analysis import fold

_WORD = re.compile(r"[^\W\d_]+")
_TONE_KEYS = {"\u0301": "s", "\u0300": "f", "\u0309": "r", "\u0303": "x", "\u0323": "j"}
_SHAPE_KEYS = {"\u0302": lambda c: c + c, "\u0306": lambda c: c + "w", "\u031b": lambda c: c + "w"}
COMMON = ["viet nam", "việt nam", "thu tuong", "ha noi", "trung quoc", "kinh te", "nguoi dan", "my"]
COUNTRIES = ["VN", "CN", "US", "RU", "JP", "KR", "FR"]


def to_telex(word: str) -> str:
    """The keystrokes that type `word` in Telex with the input method off ("hội" → "hooij")."""
    out, tone = [], ""
    for ch in unicodedata.normalize("NFD", word):
        if ch in _TONE_KEYS:
            tone = _TONE_KEYS[ch]
        elif ch in _SHAPE_KEYS and out:
            out[-1] = _SHAPE_KEYS[ch](out[-1])
        elif ch in "đĐ":
            out.append("dd" if ch == "đ" else "DD")
        else:
            out.append(ch)
    return "".join(out) + tone


def query_mix(titles: Iterable[str], count: int = 300, seed: int = 7) -> list[dict]:
    """`count` requests (q plus optional filters) from headlines, in a fixed order for a given seed."""
    rng = random.Random(seed)
    words = [w for w in (_WORD.findall(t.lower()) for t in titles) if len(w) >= 2]
    mix = []
    for i in range(count):
        if i % 25 == 0:
            mix.append({"q": COMMON[(i // 25) % len(COMMON)]})
            continue
        title = rng.choice(words)
        size = rng.randint(1, min(4, len(title)))
        start = rng.randrange(len(title) - size + 1)
        phrase = title[start:start + size]
        form = i % 5
        text = " ".join(phrase)
        if form == 1:
            text = " ".join(fold(w) for w in phrase)
        elif form == 2:
            text = " ".join(to_telex(w) for w in phrase)
        elif form == 3 and size > 1:
            text = f'"{" ".join(fold(w) for w in phrase)}"'
        request = {"q": text}
        if i % 7 == 0:
            request["country"] = rng.choice(COUNTRIES)
        if i % 11 == 0:
            request["from"], request["to"] = "2017-01-01", "2017-06-30"
        mix.append(request)
    return mix
