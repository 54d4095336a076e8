"""`python -m eval` (`make eval`): how well the search finds articles, for our ranking and its baselines, side by side.

Every variant runs in this one process on the same index (the first 20,000 articles of the shared corpus):

- ours: `SearchService(root)` with `DEFAULT_WEIGHTS`, exactly what the page and the API run;
- each boost switched off in turn (headline weight 1, exact-diacritic boost 0, compound boost 0, one compound form
  instead of several), still through `SearchService`;
- `--also WEIGHTS`: any other weights beside them, to measure a change before making it;
- baseline: syllable-only folding, what Elasticsearch's standard tokenizer with ICU folding gives: the query split
  into syllables, each folded (diacritics dropped, đ → d), every syllable required in the folded headline or body,
  BM25F with both fields weighted alike, no Telex decoding, no exact or compound terms, no partial fallback.

Metrics at 10 per query set and form (see eval/metrics.py); results in eval/results/latest.json and as markdown.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
import unicodedata
import warnings
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from whoosh import index as whoosh_index
from whoosh import query as wq

from eval import collection, metrics
from indexer import store
from indexer.analysis import exact, fold, syllables
from indexer.highlight import snippet
from indexer.query import parse
from indexer.ranking import DEFAULT_WEIGHTS, Weights
from indexer.request import SearchRequest
from indexer.search import SearchService
from indexer.syllable import NEW_STYLE, split

RESULTS = collection.ROOT / "eval" / "results"
K = metrics.K
KNOWN_FORMS = ("accented", "folded", "telex")
FORM_LABEL = {"accented": "with diacritics", "folded": "without diacritics", "telex": "raw Telex",
              "swapped": "with diacritics, other tone placement"}
OURS, BASELINE = "ours", "baseline: syllable folding"
WARM_UP = 10


@dataclass
class Variant:
    """A named ranking: query text → the top-10 hits (dicts with at least "id", "title", "snippet")."""

    name: str
    describe: str
    hits: Callable[[str], list[dict]]
    article: Callable[[str], dict | None]


def service_variant(root: Path, name: str, describe: str, weights: Weights) -> Variant:
    service = SearchService(root, weights=weights)
    return Variant(name, describe, lambda q: service.search(SearchRequest(q=q, per_page=K))["hits"], service.article)


def ablations(weights: Weights = DEFAULT_WEIGHTS) -> list[tuple[str, str, Weights]]:
    """Each boost of `weights` switched off in turn; a boost already off is switched on at its former default."""
    found = [
        ("headline weight off", "title=1", replace(weights, title=1.0)) if weights.title != 1 else
        ("headline weight on", "title=2", replace(weights, title=2.0)),
        ("exact boost off", "exact=0", replace(weights, exact=0.0)),
        ("compound boost off", "compound=0", replace(weights, compound=0.0)),
        ("one compound form", "compound_forms=1", replace(weights, compound_forms=1)) if weights.compound_forms != 1
        else ("four compound forms", "compound_forms=4", replace(weights, compound_forms=4)),
    ]
    return [(name, describe, w) for name, describe, w in found if w != weights]


def variants(root: Path, weights: Weights = DEFAULT_WEIGHTS, extra: list[tuple[str, str, Weights]] = ()) -> list[Variant]:
    ours = service_variant(root, OURS, _weights_text(weights), weights)
    found = [ours] + [service_variant(root, n, d, w) for n, d, w in ablations(weights)]
    found += [service_variant(root, n, d, w) for n, d, w in extra]
    found.append(baseline_variant(root))
    return found


def other_tone_placement(word: str) -> str:
    """The word with its tone mark on the other vowel of an open oa/oe/uy ("hoà" → "hòa"), else unchanged."""
    parts = split(word.lower())
    if parts is None or not parts.tone or parts.final or parts.vowels not in NEW_STYLE:
        return word
    return unicodedata.normalize("NFC", parts.onset + parts.vowels[:1] + parts.tone + parts.vowels[1:])


def _weights_text(w: Weights) -> str:
    return f"title={w.title:g} exact={w.exact:g} compound={w.compound:g} compound_forms={w.compound_forms}"


class FoldingBaseline:
    """Syllable-only folding search (Elasticsearch standard tokenizer + ICU folding, operator AND, BM25).

    The query is split into syllables (the index's own tokenizer: Unicode letters and digits), each folded to
    ASCII; every syllable must occur in the folded `title` or `body` field; BM25F over the two fields with equal
    weight ranks them. Nothing else: no Telex decoding, no exact-diacritic or compound terms, no headline weight,
    no fallback to partial matches when no article has every word.
    """

    def __init__(self, root: Path) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            self.searcher = whoosh_index.open_dir(str(store.current_generation(root))).searcher()

    def query(self, text: str) -> wq.Query | None:
        words = [fold(s) or s.lower() for s in syllables(" ".join(parse(text).words()))]
        if not words:
            return None
        return wq.And([wq.Or([wq.Term("title", w), wq.Term("body", w)]) for w in words])

    def hits(self, text: str) -> list[dict]:
        query = self.query(text)
        if query is None:
            return []
        terms = {fold(w) for w in syllables(text)}
        return [{"id": hit["id"], "title": hit.get("title", ""), "snippet": snippet(hit.get("body", ""), terms)}
                for hit in self.searcher.search(query, limit=K)]

    def article(self, article_id: str) -> dict | None:
        stored = self.searcher.document(id=article_id)
        return {"id": stored["id"], "title": stored.get("title", ""), "body": stored.get("body", "")} if stored else None


def baseline_variant(root: Path) -> Variant:
    baseline = FoldingBaseline(root)
    return Variant(BASELINE, "ES standard tokenizer + ICU folding, AND, BM25F", baseline.hits,
                   baseline.article)


# --- running -------------------------------------------------------------------------------------------------------

def run_queries(variant: Variant, texts: list[str]) -> tuple[list[list[str]], list[float]]:
    """Ranked ids and wall time (ms) of each query; a few untimed warm-up queries first."""
    for text in texts[:WARM_UP]:
        variant.hits(text)
    ranked, times = [], []
    for text in texts:
        started = time.perf_counter()
        hits = variant.hits(text)
        times.append((time.perf_counter() - started) * 1000)
        ranked.append([h["id"] for h in hits])
    return ranked, times


def score_set(ranked: list[list[str]], times: list[float], relevant: list[set[str]], graded: bool) -> dict:
    per_query = [(metrics.ndcg if graded else metrics.reciprocal_rank)(r, rel) for r, rel in zip(ranked, relevant)]
    row = {
        "queries": len(ranked),
        "mrr": metrics.mean(metrics.reciprocal_rank(r, rel) for r, rel in zip(ranked, relevant)),
        "recall": metrics.mean(metrics.recall(r, rel) for r, rel in zip(ranked, relevant)),
        "no_result": metrics.share(not r for r in ranked),
        "median_ms": metrics.median(times),
        "per_query": per_query,
    }
    if graded:
        row["ndcg"] = metrics.mean(per_query)
        row["precision"] = metrics.mean(metrics.precision(r, rel) for r, rel in zip(ranked, relevant))
    return row


class ExactWords:
    """Whether an article contains given exact (accented, canonical-tone) syllables; article text cached."""

    def __init__(self, article: Callable[[str], dict | None]) -> None:
        self.article, self.cache = article, {}

    def has(self, article_id: str, words: set[str]) -> bool:
        if article_id not in self.cache:
            stored = self.article(article_id) or {}
            text = f"{stored.get('title', '')}\n{stored.get('body', '')}"
            self.cache[article_id] = {exact(s) for s in syllables(text)}
        return words <= self.cache[article_id]


def ambiguous_words(query: str) -> set[str]:
    """The query's accented syllables, in exact form: what the first hit must contain."""
    return {exact(s) for s in syllables(query) if fold(s) != s.lower()}


def known_item_forms(known: list[dict]) -> dict[str, list[tuple[str, dict]]]:
    """(query text, query) per form; "swapped" holds only the queries with an oa/oe/uy tone to move."""
    forms = {form: [(q[form], q) for q in known] for form in KNOWN_FORMS}
    swapped = [(" ".join(other_tone_placement(w) for w in q["accented"].split()), q) for q in known]
    forms["swapped"] = [(text, q) for text, q in swapped if text != q["accented"]]
    return forms


def evaluate(root: Path, sets: dict[str, list[dict]], found: list[Variant], log=print) -> dict:
    results: dict[str, dict] = {}
    forms = known_item_forms(sets["known_item"])
    for form, pairs in forms.items():
        texts, relevant = [t for t, _ in pairs], [{q["id"]} for _, q in pairs]
        table = results.setdefault(f"known-item, {FORM_LABEL[form]}", {})
        for variant in found:
            ranked, times = run_queries(variant, texts)
            table[variant.name] = score_set(ranked, times, relevant, graded=False)
            table[variant.name]["mrr_by_source"] = {
                source: metrics.mean(v for v, (_, q) in zip(table[variant.name]["per_query"], pairs)
                                     if q.get("source", "headline") == source)
                for source in sorted({q.get("source", "headline") for _, q in pairs})}
            if _keeps_failures(variant.name):
                table[variant.name]["failures"] = [
                    {"q": t, "id": q["id"], "rank": (r.index(q["id"]) + 1) if q["id"] in r else None, "top": r[:3]}
                    for t, (_, q), r in zip(texts, pairs, ranked) if metrics.reciprocal_rank(r, {q["id"]}) < 1]
        log(f"known-item {form}: done")
    positions = {id(q): i for i, q in enumerate(sets["known_item"])}
    swapped_table = results[f"known-item, {FORM_LABEL['swapped']}"]
    for variant, row in swapped_table.items():
        generated = results[f"known-item, {FORM_LABEL['accented']}"][variant]["per_query"]
        row["mrr_as_generated"] = metrics.mean(generated[positions[id(q)]] for _, q in forms["swapped"])
    topical = sets["topical"]
    for form in ("accented", "folded"):
        texts = [q["query"] if form == "accented" else collection.folded(q["query"]) for q in topical]
        relevant = [set(q["relevant"]) for q in topical]
        judged = [set(q["judged"]) for q in topical]
        table = results.setdefault(f"topical, {FORM_LABEL[form]}", {})
        for variant in found:
            ranked, times = run_queries(variant, texts)
            table[variant.name] = score_set(ranked, times, relevant, graded=True)
            table[variant.name]["unjudged_in_top10"] = metrics.mean(
                sum(1 for d in r[:K] if d not in j) / max(1, len(r[:K])) for r, j in zip(ranked, judged))
        log(f"topical {form}: done")
    ambiguity = sets["ambiguity"]
    texts = [q["query"] for q in ambiguity]
    table = results.setdefault("accent ambiguity, with diacritics", {})
    for variant in found:
        ranked, times = run_queries(variant, texts)
        check = ExactWords(variant.article)
        firsts = [bool(r) and check.has(r[0], ambiguous_words(t)) for t, r in zip(texts, ranked)]
        in_top = [metrics.mean(check.has(d, ambiguous_words(t)) for d in r) if r else 0.0
                  for t, r in zip(texts, ranked)]
        table[variant.name] = {
            "queries": len(texts), "exact_first": metrics.share(firsts), "exact_in_top10": metrics.mean(in_top),
            "no_result": metrics.share(not r for r in ranked), "median_ms": metrics.median(times),
            "per_query": [1.0 if f else 0.0 for f in firsts],
        }
        if _keeps_failures(variant.name):
            table[variant.name]["failures"] = [{"q": t, "top": r[:3]} for t, r, ok in zip(texts, ranked, firsts)
                                               if not ok]
    log("ambiguity: done")
    for table in results.values():
        mine = table[OURS]["per_query"]
        for row in table.values():
            row["better_than_ours"] = sum(1 for a, b in zip(row["per_query"], mine) if a > b + 1e-9)
            row["worse_than_ours"] = sum(1 for a, b in zip(row["per_query"], mine) if a < b - 1e-9)
    return results


def _keeps_failures(variant: str) -> bool:
    """Failures are written out for ours and the baseline (the ablations' would only repeat them)."""
    return variant in (OURS, BASELINE)


HEADLINE = {"exact_first": "exact first", "ndcg": "nDCG@10", "mrr": "MRR@10"}


def headline_metric(set_name: str) -> str:
    """The one number a query set is judged by: exact word first, nDCG@10 (topical) or MRR@10 (known-item)."""
    return "exact_first" if "ambiguity" in set_name else ("ndcg" if "topical" in set_name else "mrr")


def targets(results: dict) -> list[dict]:
    """The issue's targets, each with the numbers that meet it or not."""
    ki = {form: results[f"known-item, {FORM_LABEL[form]}"] for form in KNOWN_FORMS}
    accented = ki["accented"][OURS]["mrr"]
    found = []
    for form, ratio in (("folded", 0.97), ("telex", 0.95)):
        value = ki[form][OURS]["mrr"] / accented if accented else 0.0
        found.append({"target": f"known-item MRR@10 {FORM_LABEL[form]} ≥ {ratio:.0%} of with diacritics",
                      "value": f"{ki[form][OURS]['mrr']:.3f} / {accented:.3f} = {value:.1%}", "met": value >= ratio})
    amb = results["accent ambiguity, with diacritics"][OURS]["exact_first"]
    found.append({"target": "accent ambiguity: exact word first in ≥ 90%", "value": f"{amb:.1%}", "met": amb >= 0.9})
    swapped = results.get(f"known-item, {FORM_LABEL['swapped']}", {}).get(OURS)
    if swapped:
        found.append({"target": "tone-mark normalisation: queries with an oa/oe/uy tone find the same articles with "
                                "the tone on the other vowel (hòa for hoà)",
                      "value": f"MRR@10 {swapped['mrr']:.3f} vs {swapped['mrr_as_generated']:.3f} as generated "
                               f"({swapped['queries']} queries)",
                      "met": swapped["mrr"] >= swapped["mrr_as_generated"] - 1e-9})
    for name, table in results.items():
        if name.endswith(FORM_LABEL["swapped"]):
            continue
        key = headline_metric(name)
        mine, theirs = table[OURS][key], table[BASELINE][key]
        found.append({"target": f"beats the folding baseline: {name} ({HEADLINE[key]})",
                      "value": f"{mine:.3f} vs {theirs:.3f}", "met": mine > theirs})
    worst = max(results.items(), key=lambda kv: kv[1][OURS]["no_result"])
    share = worst[1][OURS]["no_result"]
    found.append({"target": "no query form has more than 2% of queries with no result",
                  "value": f"worst {share:.1%} ({worst[0]})", "met": share <= 0.02})
    return found


# --- reporting -----------------------------------------------------------------------------------------------------

def summary(results: dict, described: dict[str, str]) -> list[str]:
    """One row per variant, one column per query set: its headline metric, and queries won / lost against ours."""
    names = [n for n in results if not n.endswith(FORM_LABEL["swapped"])]
    lines = ["| variant | " + " | ".join(f"{n} ({HEADLINE[headline_metric(n)]})" for n in names) + " |",
             "|---|" + "---|" * len(names)]
    for variant in next(iter(results.values())):
        cells = []
        for name in names:
            row = results[name][variant]
            value = f"{row[headline_metric(name)]:.3f}"
            if variant != OURS:
                value += f" (+{row['better_than_ours']}/−{row['worse_than_ours']})"
            cells.append(value)
        label = "**ours**" if variant == OURS else f"{variant} ({described[variant]})"
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def by_source(results: dict) -> list[str]:
    """Known-item MRR@10 of each variant split by where the query words came from: the headline or the body."""
    tables = [(form, results[f"known-item, {FORM_LABEL[form]}"]) for form in KNOWN_FORMS]
    sources = sorted(next(iter(tables[0][1].values()))["mrr_by_source"])
    counts = Counter(q.get("source", "headline") for q in collection.read_jsonl(collection.KNOWN_ITEM))
    header = [f"{source} words ({counts[source]}), {FORM_LABEL[form]}" for source in sources for form, _ in tables]
    lines = ["**Known-item MRR@10 by source of the query words**\n", "| variant | " + " | ".join(header) + " |",
             "|---|" + "---|" * len(header)]
    for variant in tables[0][1]:
        cells = [f"{table[variant]['mrr_by_source'][source]:.3f}" for source in sources for _, table in tables]
        lines.append(f"| {'**ours**' if variant == OURS else variant} | " + " | ".join(cells) + " |")
    return lines


def markdown(results: dict, found_targets: list[dict], described: dict[str, str]) -> str:
    lines = ["**Summary**: headline metric per query set; (+n/−m) = queries where the variant does better / worse "
             "than ours\n"]
    lines += summary(results, described) + [""]
    lines += by_source(results) + [""]
    for name, table in results.items():
        some = next(iter(table.values()))
        lines.append(f"**{name}** ({some['queries']} queries)\n")
        if "exact_first" in some:
            header = ["variant", "exact word first", "exact word in top 10", "no result", "median ms"]
            cells = lambda r: [f"{r['exact_first']:.1%}", f"{r['exact_in_top10']:.1%}",  # noqa: E731
                               f"{r['no_result']:.1%}", f"{r['median_ms']:.0f}"]
        elif "ndcg" in some:
            header = ["variant", "MRR@10", "recall@10", "nDCG@10", "P@10", "no result", "median ms"]
            cells = lambda r: [f"{r['mrr']:.3f}", f"{r['recall']:.3f}", f"{r['ndcg']:.3f}",  # noqa: E731
                               f"{r['precision']:.3f}", f"{r['no_result']:.1%}", f"{r['median_ms']:.0f}"]
        else:
            header = ["variant", "MRR@10", "recall@10", "no result", "median ms"]
            cells = lambda r: [f"{r['mrr']:.3f}", f"{r['recall']:.3f}",  # noqa: E731
                               f"{r['no_result']:.1%}", f"{r['median_ms']:.0f}"]
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "---|" * len(header))
        for variant, row in table.items():
            label = "**ours**" if variant == OURS else variant
            lines.append("| " + " | ".join([label] + cells(row)) + " |")
        lines.append("")
    lines.append("**Targets**\n")
    lines.append("| target | value | met |")
    lines.append("|---|---|---|")
    for t in found_targets:
        lines.append(f"| {t['target']} | {t['value']} | {'yes' if t['met'] else '**no**'} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval", description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=collection.SIZE, help="articles (first N lines of the corpus)")
    parser.add_argument("--jobs", type=int, default=None,
                        help="analysis processes for a missing index's build (default: all cores)")
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.json", help="results file (JSON)")
    parser.add_argument("--weights", help="ours with other weights, e.g. title=3,exact=2 (an experiment)")
    parser.add_argument("--also", action="append", default=[], metavar="WEIGHTS",
                        help="an extra variant to run beside the others, e.g. exact=2; repeatable")
    args = parser.parse_args(argv)
    started = time.monotonic()
    root = collection.ensure_index(args.size, jobs=args.jobs)
    weights = _parse_weights(args.weights, DEFAULT_WEIGHTS)
    extra = [(spec, spec, _parse_weights(spec, weights)) for spec in args.also]
    found = variants(root, weights, extra)
    sets = collection.load()
    results = evaluate(root, sets, found, log=lambda m: print(m, file=sys.stderr, flush=True))
    checked = targets(results)
    described = {v.name: v.describe for v in found}
    report = markdown(results, checked, described)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(to_json({
        "articles": args.size, "index": str(root.relative_to(collection.ROOT)), "weights": _weights_text(weights),
        "variants": described, "seconds": round(time.monotonic() - started, 1),
        "targets": checked, "results": results}), encoding="utf-8")
    print(f"Relevance on the first {args.size:,} articles of the shared corpus "
          f"({sum(len(v) for v in sets.values())} queries, ours = {_weights_text(weights)})\n")
    print(report)
    print(f"details and failures: {args.out}; "
          f"{time.monotonic() - started:.0f} s", file=sys.stderr)
    return 0


def to_json(report: dict) -> str:
    """JSON indented by level, but any list or object whose nested values are plain (per-query scores, a failure)
    on one line; floats to 4 decimals."""
    return _dump(report, 0) + "\n"


def _dump(value, depth: int) -> str:
    if isinstance(value, float):
        return json.dumps(round(value, 4))
    if not isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    items = value.items() if isinstance(value, dict) else enumerate(value)
    flat = all(not isinstance(v, (dict, list)) or (isinstance(v, list) and not any(isinstance(x, (dict, list))
                                                                                  for x in v)) for _, v in items)
    opening, closing = ("{", "}") if isinstance(value, dict) else ("[", "]")
    parts = [(f"{json.dumps(k, ensure_ascii=False)}: " if isinstance(value, dict) else "") + _dump(v, depth + 1)
             for k, v in (value.items() if isinstance(value, dict) else enumerate(value))]
    if flat:
        return opening + ", ".join(parts) + closing
    indent = " " * (depth + 1)
    return opening + "\n" + ",\n".join(indent + p for p in parts) + "\n" + " " * depth + closing


def _parse_weights(spec: str | None, base: Weights) -> Weights:
    if not spec:
        return base
    values = {}
    for part in spec.split(","):
        key, _, value = part.partition("=")
        values[key.strip()] = int(value) if key.strip() == "compound_forms" else float(value)
    return replace(base, **values)


if __name__ == "__main__":
    sys.exit(main())
