"""The test collection: the evaluation corpus (a prefix of the shared corpus), its index, and the committed queries.

Committed under eval/data/ (ids and queries only, never article text):

- known_item.jsonl: {"id", "source", "accented", "folded", "telex"}: a few distinctive words of one article's
  headline (300) or of one sentence of its body (100), as a journalist would type them to find it again, with
  diacritics, without, and as raw Telex keystrokes. Generated once by `python -m eval.collection --generate`
  (seeded, deterministic); `make eval` never regenerates it.
- topical.jsonl: {"query", "need", "relevant", "judged"}: newsroom queries with the information need written down;
  `judged` is the pool that was read (the top 10 of every variant `make eval` runs, at both the shipped and the
  proposed weights, with and without diacritics), `relevant` the part of it about the need. Print a query's pool
  to judge with `python -m eval.collection --pool "giá xăng"`.
- ambiguity.jsonl: {"query", "group"}: accented queries whose folded form is shared by other words (bà/ba/bá);
  judged at evaluation time from the index's stored text: the first hit must contain the exact accented words.

The corpus is the first SIZE lines of ../shared/corpus/news.jsonl.xz (a fair sample, per its README); the index is
built once under eval/work/ and rebuilt only when missing.
"""
from __future__ import annotations

import argparse
import itertools
import json
import lzma
import random
import re
import subprocess
import sys
import unicodedata
from collections import Counter
from pathlib import Path

from bench.queries import to_telex
from indexer.analysis import JOINER, exact, fold, syllables
from indexer.syllable import is_syllable
from indexer.telex import decode_telex

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "news.jsonl.xz"
SIZE = 20_000
WORK = ROOT / "eval" / "work"
DATA = ROOT / "eval" / "data"
KNOWN_ITEM = DATA / "known_item.jsonl"
TOPICAL = DATA / "topical.jsonl"
AMBIGUITY = DATA / "ambiguity.jsonl"
KNOWN_ITEM_COUNT = 300     # from headlines
BODY_QUERY_COUNT = 100     # from bodies
SEED = 20_260_501
MIN_QUERY_SYLLABLES, MAX_QUERY_SYLLABLES = 3, 6

# Function syllables a journalist leaves out of a search: used only to pick the words of known-item queries.
STOP_SYLLABLES = frozenset("""
và của là có được cho với các những một trong khi đã sẽ bị tại từ đến này đó thì mà để như nhưng hay hoặc
vì nên cũng còn lại rất nhiều ra vào lên về theo trên dưới sau trước giữa bằng do nếu phải không chưa đang vẫn
ai gì nào đâu sao thế vậy ở hơn nhất mới người ngày năm tháng ông bà anh chị em
""".split())
_WORD = re.compile(r"[^\W\d_]+(?:_[^\W\d_]+)*")


def index_root(size: int = SIZE) -> Path:
    return WORK / f"index-{size}"


def prefix(size: int = SIZE, corpus: Path = CORPUS) -> Path:
    """The first `size` lines of the corpus as a plain JSONL file under eval/work (written once)."""
    path = WORK / f"news-{size}.jsonl"
    if not path.exists():
        WORK.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".tmp")
        with lzma.open(corpus, "rt", encoding="utf-8") as src, open(partial, "w", encoding="utf-8") as out:
            out.writelines(itertools.islice(src, size))
        partial.rename(path)
    return path


def ensure_index(size: int = SIZE, jobs: int | None = None, corpus: Path = CORPUS) -> Path:
    """The evaluation index, built from the corpus prefix when missing (a few minutes), else reused as it is."""
    root = index_root(size)
    if not (root / "current").exists():
        source = prefix(size, corpus)
        print(f"building the evaluation index of {size:,} articles into {root} (once; reused afterwards)",
              file=sys.stderr, flush=True)
        command = [sys.executable, "-m", "indexer", "build", "--index", str(root), str(source)]
        if jobs:
            command[4:4] = ["--jobs", str(jobs)]
        subprocess.run(command, check=True, cwd=ROOT)
    return root


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def load() -> dict[str, list[dict]]:
    """The committed query sets."""
    return {"known_item": read_jsonl(KNOWN_ITEM), "topical": read_jsonl(TOPICAL), "ambiguity": read_jsonl(AMBIGUITY)}


# --- known-item generation -----------------------------------------------------------------------------------------

def telex(text: str) -> str:
    """Raw Telex keystrokes for every word of a lowercase query ("giá xăng" → "gias xawng")."""
    return " ".join(to_telex(w) for w in text.split())


def folded(text: str) -> str:
    return " ".join(fold(w) for w in text.split())


def generate_known_item(size: int = SIZE, count: int = KNOWN_ITEM_COUNT, body_count: int = BODY_QUERY_COUNT,
                        seed: int = SEED) -> list[dict]:
    """`count` known-item queries from headlines and `body_count` from bodies, deterministic for a seed.

    Eligible articles have an accented headline (not one of the URL slugs standing in for missing headlines) that no
    other article of the corpus shares (wire copies would make "the" article ambiguous). Each query takes 2–4 words
    of the headline as pyvi segments it (compounds whole), skipping stop syllables and numbers, drawn with a
    preference for rare words (weight 1/df, df from the index's vocabulary), kept in headline order, three to six
    syllables (more words are drawn while the query is shorter than three). Body queries do the same with one
    sentence of the body after its opening paragraph (which mostly restates the headline): what a journalist
    remembers of an article's content rather than its title; other articles than the headline queries'.
    """
    from indexer.segment import mark_compounds  # noqa: PLC0415 - pyvi loads its model on import
    from indexer.vocabulary import Vocabulary  # noqa: PLC0415
    from indexer import store  # noqa: PLC0415

    vocabulary = Vocabulary.load(store.current_generation(ensure_index(size)))
    articles = [json.loads(line) for line in open(prefix(size), encoding="utf-8")]
    titles = Counter(_title_key(a["title"]) for a in articles)
    eligible = [a for a in articles if titles[_title_key(a["title"])] == 1 and not a["title"].isascii()
                and len(syllables(a["title"])) >= 4]
    rng = random.Random(seed)
    rng.shuffle(eligible)
    queries = []
    for article in eligible:
        words = _candidate_words(mark_compounds(unicodedata.normalize("NFC", article["title"])))
        if len(words) < 2:
            continue
        queries.append(_query(article, "headline", _choose(words, vocabulary, rng)))
        if len(queries) == count:
            break
    used = {q["id"] for q in queries}
    rng = random.Random(seed + 1)
    rest = [a for a in eligible if a["id"] not in used]
    rng.shuffle(rest)
    found = 0
    for article in rest:
        sentences = [s for s in _SENTENCE.split(_after_opening(article["body"])) if len(syllables(s)) >= 10]
        if not sentences:
            continue
        sentence = rng.choice(sentences[:10])
        words = _candidate_words(mark_compounds(unicodedata.normalize("NFC", sentence)))
        if len(words) < 3:
            continue
        queries.append(_query(article, "body", _choose(words, vocabulary, rng)))
        found += 1
        if found == body_count:
            break
    return queries


_SENTENCE = re.compile(r"(?<=[.!?…])\s+|\n+")


def _after_opening(body: str) -> str:
    """The body without its first paragraph."""
    paragraphs = [p for p in body.split("\n") if p.strip()]
    return "\n".join(paragraphs[1:])


def _query(article: dict, source: str, chosen: list[tuple[int, str]]) -> dict:
    text = " ".join(w.replace(JOINER, " ") for _, w in sorted(chosen))
    return {"id": article["id"], "source": source, "accented": text, "folded": folded(text), "telex": telex(text)}


def _title_key(title: str) -> str:
    return " ".join(fold(s) for s in syllables(title))


def _candidate_words(marked_title: str) -> list[tuple[int, str]]:
    """(position, lowercase word) for the text's content words, compounds joined by JOINER, deduplicated; words
    with diacritics that are not well-formed syllables (run-together words of the source) are left out."""
    seen, words = set(), []
    for at, match in enumerate(_WORD.finditer(marked_title.lower())):
        word = match.group(0)
        parts = word.split(JOINER)
        if all(p in STOP_SYLLABLES or len(p) < 2 for p in parts) or word in seen:
            continue
        if any(not p.isascii() and not is_syllable(p) for p in parts):  # "ôtô", "hòahiện": not what anyone types
            continue
        seen.add(word)
        words.append((at, word))
    return words


def _choose(words: list[tuple[int, str]], vocabulary, rng: random.Random) -> list[tuple[int, str]]:
    wanted = rng.choice((2, 3, 4))
    pool, chosen, length = list(words), [], 0
    while pool and (len(chosen) < wanted or length < MIN_QUERY_SYLLABLES):
        weights = [1 / _doc_freq(w, vocabulary) for _, w in pool]
        pick = rng.choices(range(len(pool)), weights)[0]
        at, word = pool.pop(pick)
        size = word.count(JOINER) + 1
        if length + size > MAX_QUERY_SYLLABLES:
            continue
        chosen.append((at, word))
        length += size
    return chosen


def _doc_freq(word: str, vocabulary) -> int:
    parts = word.split(JOINER)
    table = vocabulary.compounds if len(parts) > 1 else vocabulary.syllables
    key = JOINER.join(fold(p) for p in parts)
    wanted = exact(word)
    return max(1, sum(df for form, df in table.get(key, ()) if form == wanted))


def check_telex(queries: list[dict]) -> list[str]:
    """Words whose Telex keystrokes do not decode back to the word: problems of the encoder, not the search."""
    bad = []
    for q in queries:
        for word, keys in zip(q["accented"].split(), q["telex"].split()):
            if fold(word) != word and decode_telex(keys) != exact(word):
                bad.append(f"{word} → {keys} → {decode_telex(keys)}")
    return bad


# --- topical pooling -----------------------------------------------------------------------------------------------

def pool(query: str, size: int = SIZE) -> list[dict]:
    """The union of the top 10 of every ranking variant, accented and accent-free: what a judge reads."""
    from eval.__main__ import variants  # noqa: PLC0415

    root = ensure_index(size)
    seen: dict[str, dict] = {}
    for variant in variants(root):
        for text in (query, folded(query)):
            for hit in variant.hits(text):
                seen.setdefault(hit["id"], hit)
    return list(seen.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.collection")
    parser.add_argument("--generate", action="store_true", help="(re)write eval/data/known_item.jsonl")
    parser.add_argument("--pool", nargs="+", metavar="QUERY", help="print the pooled results of topical queries")
    parser.add_argument("--size", type=int, default=SIZE)
    args = parser.parse_args(argv)
    if args.generate:
        queries = generate_known_item(args.size)
        write_jsonl(KNOWN_ITEM, queries)
        print(f"wrote {len(queries)} known-item queries to {KNOWN_ITEM}")
        for problem in check_telex(queries):
            print(f"telex encoder: {problem}")
    judged = {q["query"]: q for q in read_jsonl(TOPICAL)} if TOPICAL.exists() else {}
    for query in args.pool or ():
        hits = pool(query, args.size)
        known = judged.get(query, {})
        print(f"## {query}  ({len(hits)} pooled)  [{known.get('need', 'not in topical.jsonl')}]")
        for hit in hits:
            mark = ("relevant" if hit["id"] in known.get("relevant", ()) else "not relevant"
                    if hit["id"] in known.get("judged", ()) else "unjudged")
            snippet = re.sub(r"</?mark>", "", hit.get("snippet", ""))[:300]
            print(f"- {hit['id']} ({mark}) | {hit['title']}\n    {snippet}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
