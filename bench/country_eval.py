"""`python -m bench.country_eval [path]`: micro precision and recall of country extraction on a labelled set.

Each line of the set is `{"text": ..., "countries": [codes]}`; a snippet is scored as the body of an untitled article,
comparing its set of codes with the labels. Prints the figures and every snippet the extractor gets wrong.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from indexer.mentions import extract_countries

LABELLED = Path(__file__).resolve().parent.parent / "tests" / "data" / "countries_labelled.jsonl"


def evaluate(path: Path | str = LABELLED) -> dict:
    """Micro precision/recall over the snippets, with counts and the errors (text, expected, got, missed, extra)."""
    tp = fp = fn = snippets = 0
    errors = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        expected, got = set(record["countries"]), set(extract_countries(title="", body=record["text"]))
        snippets += 1
        tp, fp, fn = tp + len(got & expected), fp + len(got - expected), fn + len(expected - got)
        if got != expected:
            errors.append({"text": record["text"], "expected": sorted(expected), "got": sorted(got),
                           "missed": sorted(expected - got), "extra": sorted(got - expected)})
    return {"precision": tp / (tp + fp) if tp + fp else 1.0, "recall": tp / (tp + fn) if tp + fn else 1.0,
            "snippets": snippets, "true_positives": tp, "false_positives": fp, "false_negatives": fn,
            "errors": errors}


def report(result: dict) -> str:
    """The figures, then one line per wrong snippet."""
    lines = [f"snippets {result['snippets']}  precision {result['precision']:.3f}  recall {result['recall']:.3f}  "
             f"(tp {result['true_positives']}, fp {result['false_positives']}, fn {result['false_negatives']})"]
    for e in result["errors"]:
        lines.append(f"  missed {','.join(e['missed']) or '-'}  extra {','.join(e['extra']) or '-'}  | {e['text']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=str(LABELLED), help="labelled JSONL (default: %(default)s)")
    print(report(evaluate(parser.parse_args(argv).path)))


if __name__ == "__main__":
    main()
