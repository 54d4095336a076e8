"""From a parsed query to a Whoosh query: folded syllables must match, exact diacritics and compounds add score.

Every query word matches all its accented forms through the folded fields; when the user typed diacritics, the
exact field adds EXACT_BOOST, so "bà" ranks articles about "bà" above those about "ba"; adjacent syllables that form a
compound the index knows add COMPOUND_BOOST, so "thu tuong" ranks "thủ tướng" above "thủ … tướng" far apart.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import islice

from whoosh import query as wq

from indexer.analysis import JOINER, exact, fold
from indexer.query import Clause, ParsedQuery
from indexer.vocabulary import Vocabulary


@dataclass(frozen=True)
class Weights:
    """The ranking's knobs, measured by `make eval`; zero switches a boost off."""

    title: float = 1.0   # 1.25, 1.5 and 2 each lost more queries than they won (README, Relevance)
    exact: float = 1.0
    compound: float = 1.5
    compound_forms: int = 1  # more forms of an accent-free run measured no gain


DEFAULT_WEIGHTS = Weights()


def to_whoosh(parsed: ParsedQuery, vocabulary: Vocabulary, weights: Weights = DEFAULT_WEIGHTS,
              partial: bool = False) -> wq.Query:
    """All groups required (or, with `partial`, any of them), bonuses optional, exclusions removed."""
    required = required_groups(parsed, weights)
    positive = wq.Or(required) if partial else wq.And(required)
    bonuses = _bonuses(parsed, vocabulary, weights)
    if bonuses:
        positive = wq.AndMaybe(positive, wq.Or(bonuses))
    if parsed.excluded:
        positive = wq.AndNot(positive, exclusion(parsed, weights))
    return positive


def required_groups(parsed: ParsedQuery, weights: Weights = DEFAULT_WEIGHTS) -> list[wq.Query]:
    """One query per group of the parsed query: what "all words must match" requires."""
    return [_group(group, weights) for group in parsed.groups]


def exclusion(parsed: ParsedQuery, weights: Weights = DEFAULT_WEIGHTS) -> wq.Query:
    """What the -excluded clauses match: any article matching one of them is dropped."""
    return wq.Or([_clause(c, weights) for c in parsed.excluded])


def _fields(clause: Clause) -> tuple[str, ...]:
    return ("title",) if clause.field == "title" else ("title", "body")


def _boost(fieldname: str, weights: Weights) -> float:
    return weights.title if fieldname.startswith("title") else 1.0


def _group(group: list[Clause], weights: Weights) -> wq.Query:
    queries = [_clause(c, weights) for c in group]
    return queries[0] if len(queries) == 1 else wq.Or(queries)


def _clause(clause: Clause, weights: Weights) -> wq.Query:
    folded = [fold(s) or s.lower() for s in clause.syllables]
    if clause.phrase:
        return wq.Or([wq.Phrase(f, folded, boost=_boost(f, weights)) for f in _fields(clause)])
    per_syllable = [wq.Or([wq.Term(f, s, boost=_boost(f, weights)) for f in _fields(clause)]) for s in folded]
    return per_syllable[0] if len(per_syllable) == 1 else wq.And(per_syllable)


def _bonuses(parsed: ParsedQuery, vocabulary: Vocabulary, weights: Weights) -> list[wq.Query]:
    bonuses = []
    clauses = [c for group in parsed.groups for c in group]
    if weights.exact:
        for clause in clauses:
            for s in clause.syllables:
                if fold(s) != s.lower():
                    bonuses.append(_any_field(clause, "_exact", [exact(s)], weights.exact, weights))
    if weights.compound:
        for clause, run in _runs(parsed):
            for start in range(len(run) - 1):
                for size in (2, 3):
                    forms = _compounds(run[start:start + size], vocabulary, weights) if start + size <= len(run) else []
                    if forms:
                        bonuses.append(_any_field(clause, "_cw", forms, weights.compound, weights))
    return bonuses


def _runs(parsed: ParsedQuery) -> list[tuple[Clause, list[str]]]:
    """Runs of adjacent syllables that may form compounds: a clause's own, or consecutive one-clause groups."""
    runs: list[tuple[Clause, list[str]]] = []
    for group in parsed.groups:
        clause = group[0]
        joinable = len(group) == 1 and runs and runs[-1][0].field == clause.field and not clause.phrase
        if joinable and not runs[-1][0].phrase:
            runs[-1][1].extend(clause.syllables)
        else:
            runs.append((clause, list(clause.syllables)))
    return runs


def _compounds(parts: list[str], vocabulary: Vocabulary, weights: Weights) -> list[str]:
    """The compounds a run of syllables may be: as typed when all carry accents, else the index's forms that agree
    with the accents typed ("con dâu" is "con_dâu", never "còn_đâu"), most frequent first."""
    typed = [exact(p) if fold(p) != p.lower() else None for p in parts]
    if None not in typed:
        return [JOINER.join(typed)]
    forms = (form for form in vocabulary.compound_forms([fold(p) for p in parts])
             if all(t is None or t == s for t, s in zip(typed, form.split(JOINER))))
    return list(islice(forms, weights.compound_forms))


def _any_field(clause: Clause, suffix: str, texts: list[str], boost: float, weights: Weights) -> wq.Query:
    return wq.Or([wq.Term(f + suffix, t, boost=boost * _boost(f, weights))
                  for f in _fields(clause) for t in texts])
