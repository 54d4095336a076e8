"""Countries a news article mentions, as ISO 3166-1 alpha-2 codes: what a build stores for the country facet.

Names come from CLDR through Babel (Vietnamese and English) plus `data/country_aliases.json`: the forms journalists
write (Mỹ, Hoa Kỳ, Ô-xtrây-li-a, Cư-rơ-gư-xtan...) and blocker phrases that contain a country name without meaning
the country (tiếng Anh, đô la Mỹ, Ấn Độ Dương, Mỹ phẩm, Chủ Nhật). One trie-shaped regex finds the names, longest
first, on NFC text and case-sensitively ("anh", "ý kiến", "mỹ phẩm" never match); small rules then settle the one-word
names that are also Vietnamese names or words:

* next to another capitalised Vietnamese syllable they are a name ("Minh Đức", "Mỹ Tho", "Lào Cai", "Nguyễn Thị Nga"),
  except after a head-of-state word ("Thủ tướng Anh Ben Wallace"); after an honorific or a place word too ("ông Đức",
  "xã Đức Hòa");
* "Anh"/"Áo" starting a body sentence are the pronoun/garment unless paired with another country ("Anh và Pháp");
* once a word has been read as a name in an article ("anh Nguyễn Minh Đức"), its other bare mentions there ("Đức kể")
  count only with a nation context ("nước Đức", "tại Đức", "(Đức)"), unless its mid-sentence uses outnumber its name
  uses (a Russia story that also names a "bà Nga").

One clear mention is enough: a single "Thủ tướng Đức" in passing counts. A language, a currency or a sea named after a
country is no mention of it. The Soviet Union is SU (not among CLDR's current territories). EU, UN and other groupings
or regions are not countries. Sub-national regions (Quảng Tây, Tân Cương) and capitals used as metonyms (Bắc Kinh,
Nhà Trắng) are not mapped; Hong Kong (HK), Macao (MO) and Taiwan (TW) are CLDR territories and are reported as such.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from babel import Locale

from indexer.countries import all_countries

_DATA = json.loads((Path(__file__).parent / "data" / "country_aliases.json").read_text(encoding="utf-8"))
_NAMES = all_countries()


# --- the name table -------------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Alias:
    code: str | None  # None: a blocker phrase, matched only to be dropped
    kind: str         # plain | risky | hyphen | strict | role | block


_NEW_TO_OLD_TONE = {"òa": "oà", "óa": "oá", "ỏa": "oả", "õa": "oã", "ọa": "oạ", "òe": "oè", "óe": "oé", "ỏe": "oẻ",
                    "õe": "oẽ", "ọe": "oẹ", "ùy": "uỳ", "úy": "uý", "ủy": "uỷ", "ũy": "uỹ", "ụy": "uỵ"}
_TONE_SWAP = _NEW_TO_OLD_TONE | {old: new for new, old in _NEW_TO_OLD_TONE.items()}
_TONE_AT_END = re.compile(f"(?:{'|'.join(_TONE_SWAP)})(?!\\w)")


def _variants(name: str) -> set[str]:
    """A name as written, with old/new tone placement (Thụy/Thuỵ, hòa/hoà) and, if lower-case, capitalised."""
    forms = {name, _TONE_AT_END.sub(lambda m: _TONE_SWAP[m.group()], name)}
    return forms | {f[0].upper() + f[1:] for f in forms}


def _cldr_form(name: str) -> str:
    """A CLDR display name reduced to what prose says ("Myanmar (Miến Điện)" → "Myanmar", "Hồng Kông, Trung Quốc")."""
    return name.split(", ")[0].split(" (")[0].replace(" SAR China", "")


def _alias_table() -> dict[str, _Alias]:
    """Every written form → its code and the rule that judges it."""
    english = Locale("en").territories
    table: dict[str, _Alias] = {}
    for code in set(_NAMES) - set(_DATA["excluded"]):
        cldr = [_cldr_form(_NAMES[code]), _cldr_form(english.get(code, _NAMES[code]))]
        for name in cldr + _DATA["aliases"].get(code, []):
            for form in _variants(name):
                table.setdefault(form, _Alias(code, "plain"))
    for key, kind in (("risky", "risky"), ("hyphen_only", "hyphen"), ("strict", "strict")):
        for name, code in _DATA[key].items():
            table.update(dict.fromkeys(_variants(name), _Alias(code, kind)))
    for name in _DATA["needs_role"]:
        table[name] = _Alias(table[name].code, "role")
    for phrase in (phrase for group in _DATA["blockers"].values() for phrase in group):
        table.update(dict.fromkeys(_variants(phrase), _Alias(None, "block")))
    return table


def _trie_regex(words: Iterable[str]) -> str:
    """One regex matching any of `words`, longest first, shaped as a trie so shared prefixes are tried once."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _node_regex(trie)


def _node_regex(node: dict) -> str:
    """The regex for one trie node: its branches, optional when a word may end here (greedy, so longest wins)."""
    branches = [re.escape(ch) + _node_regex(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


def _lower_blockers(table: dict[str, _Alias]) -> dict[str, tuple[str, ...]]:
    """Blockers that start in lower case, as name → the words before it ("Anh" → "tiếng", "bảng", "eo biển"...)."""
    before: dict[str, set[str]] = {}
    for phrase, alias in table.items():
        words = phrase.split(" ")
        first = next((i for i, w in enumerate(words) if w[:1].isupper()), 0)
        name = " ".join(words[first:])
        if alias.code is None and first and name in table:
            before.setdefault(name, set()).add(" ".join(words[:first]) + " ")
    return {name: tuple(prefixes) for name, prefixes in before.items()}


# The main regex holds only names that start with a capital, so the scan skips lower-case text quickly; blockers that
# start in lower case are checked backwards from the name they end with, and the few lower-case nicknames ("xứ sở
# chuột túi") get a second regex run only on articles that contain their first word.
_TABLE = _alias_table()
_ALIASES = {form: alias for form, alias in _TABLE.items() if form[0].isupper()}
_LOWER_BLOCKERS = _lower_blockers(_TABLE)
_PREFIX_SPAN = max(len(prefix) for prefixes in _LOWER_BLOCKERS.values() for prefix in prefixes)
_NICKNAMES = {form: alias for form, alias in _TABLE.items() if alias.code and not form[0].isupper()}
_BLOCKED = _Alias(None, "block")
_NICKNAME_HINTS = tuple({form.split(" ")[0] + " " if form.startswith("x") else " ".join(form.split(" ")[:2])
                         for form in _NICKNAMES})  # "xứ ", "đất nước", "đảo quốc", "dải Gaza"
_PATTERN = re.compile(_trie_regex(_ALIASES) + r"(?!\w)")
_NICKNAME_PATTERN = re.compile(_trie_regex(_NICKNAMES) + r"(?!\w)")
_HONORIFICS = frozenset(_DATA["honorifics"])
_NOT_HONORIFICS = frozenset(_DATA["not_honorifics"])
_ROLES = frozenset(_DATA["roles"])
_HEADS = frozenset(_DATA["heads"])
_CONTEXT = (frozenset(_DATA["titles"]) | frozenset(_DATA["places"]) | _ROLES) - _HEADS  # "Thứ trưởng Nhật" may be a man
_SENTENCE_WORDS = frozenset(_DATA["places"]) | frozenset(_DATA["function_words"])
_OPENERS = frozenset(_DATA["openers"])
_LIST_INITIAL = frozenset(_DATA["list_initial"])
_WORD = re.compile(r"\w+")
_SENTENCE_BREAK = re.compile(r"[.!?:;…\"“”‘’'\n•*]")
_MODEL = re.compile(r" ?- ?\d")
_HYPHEN_LINK = re.compile(r"\s*[-–—]\s*")
_LIST_LINK = re.compile(r"\s*(?:[-–—,/&]|\s(?:và|hoặc|hay|cùng|với)\s)\s*")
_SYLLABLE = re.compile(r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?[aeiouy]{1,3}(?:ng|nh|ch|[cmnpt])?")


# --- judging one mention --------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Context:
    """The words around one mention: nearest word before (and the one before it), the next word, and the gaps."""
    prev: str
    prev_phrase: str      # the two words before, when they are joined by a single space
    prev_gap: str
    prev_is_initial: bool  # the word before starts a sentence
    next: str
    next_gap: str
    next_is_model: bool    # the next word is a model code ("máy bay Nga An-26", "Su -57")

    @property
    def initial(self) -> bool:
        return not self.prev or bool(_SENTENCE_BREAK.search(self.prev_gap))

    def prev_in(self, words: frozenset[str]) -> bool:
        return self.prev_gap == " " and (self.prev.lower() in words or self.prev_phrase.lower() in words)


def _context(text: str, start: int, end: int) -> _Context:
    """Read the words around text[start:end]."""
    lo = max(0, start - 48)
    words = list(_WORD.finditer(text, lo, start))
    prev = words[-1].group() if words else ""
    prev_gap = text[words[-1].end():start] if words else text[lo:start]
    before_prev = text[words[-2].end():words[-1].start()] if len(words) > 1 else ("" if lo == 0 else " ")
    phrase = f"{words[-2].group()} {prev}" if len(words) > 1 and before_prev == " " else prev
    initial = bool(words) and (len(words) == 1 and lo == 0 or bool(_SENTENCE_BREAK.search(before_prev)))
    after = _WORD.search(text, end, end + 48)
    next_word, next_gap = (after.group(), text[end:after.start()]) if after else ("", text[end:end + 48])
    model = bool(after and _MODEL.match(text, after.end()))
    return _Context(prev, phrase, prev_gap, initial, next_word, next_gap, model)


def _capitalised(word: str) -> bool:
    """Title case ("Minh", "Merkel"), not an acronym ("CHLB") nor a lower-case word."""
    return word[:1].isupper() and (len(word) == 1 or not word.isupper())


def _vietnamese(word: str) -> bool:
    """Whether a word is shaped like one Vietnamese syllable (Thiên, Phổ, Giang), unlike Merkel or Putin."""
    bare = "".join(c for c in unicodedata.normalize("NFD", word.lower()) if not unicodedata.combining(c))
    return _SYLLABLE.fullmatch(bare) is not None


def _name_verdict(c: _Context, strict: bool, linked: str) -> str:
    """'name' when the mention is part of a person or place name, 'no' when it may be, '' when it stands alone."""
    if c.prev_in(_HONORIFICS) and c.prev_phrase.lower() not in _NOT_HONORIFICS:
        return "name"                                              # "ông Đức", "xã Đức Hòa"
    if c.prev_gap == " " and c.prev[:1].isupper() and (strict or not linked):
        if c.prev_is_initial and _capitalised(c.prev):             # capitalised by position: "Theo Mỹ", "Minh Đức"
            if c.prev.lower() not in _SENTENCE_WORDS:
                return "no"
        elif (strict and _capitalised(c.prev)) or (_vietnamese(c.prev) and len(c.prev) > 1):
            return "name"                                          # "Nguyễn Minh Đức", "Thủ Đức", "Ảnh: TRỌNG Ý"
    if c.next_gap != " " or not _capitalised(c.next) or c.next.lower() in _OPENERS or c.next_is_model:
        return ""
    if strict:
        return "name"                                              # "Jordan Henderson"
    if _vietnamese(c.next):
        return "" if c.prev_in(_HEADS) else "name"                 # "Mỹ Tho", but "Thủ tướng Anh Ben Wallace"
    return "" if c.prev_gap == " " and c.prev.islower() else "no"  # "Tổng thống Mỹ Donald Trump"


def _verdict(alias: _Alias, word: str, c: _Context, linked: str, in_title: bool) -> str:
    """'ok' (a country), 'name' (part of a name: flags the word for the article) or 'no' for one mention."""
    name = _name_verdict(c, alias.kind in ("strict", "role"), linked)
    if name:
        return name
    if alias.kind == "hyphen":
        return "ok" if linked == "hyphen" else "no"
    if alias.kind == "role":
        return "ok" if c.prev_in(_ROLES) or linked == "hyphen" else "no"
    if word in _LIST_INITIAL and c.initial and not linked and not in_title:
        return "no"
    return "ok"


def _strong(c: _Context, linked: str, in_title: bool) -> bool:
    """Whether a mention reads as a country even where the same word also names a person in the article."""
    if c.prev_gap == ", " and _capitalised(c.prev) and not _vietnamese(c.prev):
        return True                                                # "Vientiane, Lào", "New York, Mỹ"
    return in_title or bool(linked) or c.prev_gap.endswith("(") or c.prev_in(_CONTEXT)


def _link(text: str, mentions: list[tuple[int, int, _Alias]], i: int) -> str:
    """'hyphen' or 'list' when mention i is paired with a neighbouring country ("Mỹ - Trung", "Anh và Pháp")."""
    start, end, _ = mentions[i]
    gaps = []
    if i > 0 and mentions[i - 1][2].code:
        gaps.append(text[mentions[i - 1][1]:start])
    if i + 1 < len(mentions) and mentions[i + 1][2].code:
        gaps.append(text[end:mentions[i + 1][0]])
    if any(_HYPHEN_LINK.fullmatch(g) for g in gaps):
        return "hyphen"
    return "list" if any(_LIST_LINK.fullmatch(g) for g in gaps) else ""


# --- the article ----------------------------------------------------------------------------------------------------

def _mentions(text: str) -> list[tuple[int, int, _Alias]]:
    """Every name or blocker phrase that starts a word, in text order."""
    found = []
    for m in _PATTERN.finditer(text):
        start, form = m.start(), m.group()
        if start and (text[start - 1].isalnum() or text[start - 1] == "_"):
            continue
        before = text[max(0, start - _PREFIX_SPAN):start]
        blocked = form in _LOWER_BLOCKERS and before.endswith(_LOWER_BLOCKERS[form])
        found.append((start, m.end(), _BLOCKED if blocked else _ALIASES[form]))
    if any(hint in text for hint in _NICKNAME_HINTS):
        taken = {i for start, end, _ in found for i in range(start, end)}
        found += [(m.start(), m.end(), _NICKNAMES[m.group()]) for m in _NICKNAME_PATTERN.finditer(text)
                  if m.start() not in taken and (m.start() == 0 or not text[m.start() - 1].isalnum())]
        found.sort(key=lambda mention: mention[0])
    return found


@dataclass(frozen=True, slots=True)
class Mention:
    """One country name found in an article, and whether it was judged a reference to the country."""
    code: str
    start: int
    end: int
    verdict: str  # "ok"; "name" (part of a name); "no" (no country context); "unconfirmed" (a name elsewhere here)

    @property
    def accepted(self) -> bool:
        return self.verdict == "ok"


def find_mentions(title: str, body: str) -> list[Mention]:
    """Every country name with its verdict (offsets into NFC of title, newline, body): why extract_countries says so."""
    text = unicodedata.normalize("NFC", f"{title}\n{body}")
    title_end = len(unicodedata.normalize("NFC", title))
    mentions = _mentions(text)
    judged: list[tuple[int, int, str, str, bool]] = []  # start, end, code, verdict, confirmed by context
    names: Counter[str] = Counter()
    uses: Counter[str] = Counter()
    for i, (start, end, alias) in enumerate(mentions):
        if alias.kind == "plain":
            judged.append((start, end, alias.code, "ok", True))
        elif alias.code:
            word, in_title = text[start:end], start < title_end
            c, linked = _context(text, start, end), _link(text, mentions, i)
            verdict = _verdict(alias, word, c, linked, in_title)
            names[word] += verdict == "name"
            uses[word] += verdict == "ok" and c.prev_gap == " " and c.prev.islower()
            judged.append((start, end, alias.code, verdict, _strong(c, linked, in_title)))
    doubtful = {word for word, n in names.items() if n and n >= uses[word]}
    return [Mention(code, s, e, "unconfirmed" if verdict == "ok" and not sure and text[s:e] in doubtful else verdict)
            for s, e, code, verdict, sure in judged]


def extract_countries(title: str, body: str) -> tuple[str, ...]:
    """Sorted ISO codes of the countries an article mentions, so search can facet and filter by country."""
    return tuple(sorted({m.code for m in find_mentions(title, body) if m.accepted}))
