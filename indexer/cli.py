"""Command line: build or add to an index from news files, and search it."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from indexer import build as building
from indexer.countries import country_name
from indexer.request import BadRequest, SearchRequest
from indexer.search import IndexUnavailable, QueryError, SearchService
from indexer.store import BuildLocked

MAX_LISTED_REJECTIONS = 50


def main(argv: list[str] | None = None) -> int:
    """Run one subcommand; exit 0 on success, 1 when the work failed, 2 on bad usage."""
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except (BuildLocked, IndexUnavailable, building.StrictBuildFailed, BadRequest, QueryError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2 if isinstance(err, (BadRequest, QueryError)) else 1
    except KeyboardInterrupt:
        print("interrupted: the current index was left as it was", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m indexer", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    for name, run, help_text in (("build", _build, "build a new index from SOURCEs and swap it in atomically"),
                                 ("add", _add, "add or replace (same id) articles in the current index")):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("--index", required=True, type=Path, help="index directory, e.g. var/index")
        command.add_argument("--strict", action="store_true", help="fail on any rejected record, changing nothing")
        command.add_argument("--jobs", type=int, default=None, help="analysis processes (default: all cores)")
        command.add_argument("sources", nargs="+", metavar="SOURCE", help="a directory of raw pages or a JSONL file")
        command.set_defaults(run=run)
    search = commands.add_parser("search", help="search the index")
    search.add_argument("--index", required=True, type=Path)
    search.add_argument("--json", action="store_true", help="print the JSON the API returns")
    search.add_argument("--country", action="append", default=[], metavar="CC", help="ISO code; repeatable")
    search.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD")
    search.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD")
    search.add_argument("--sort", choices=("relevance", "date"), default="relevance")
    search.add_argument("--page", default="1")
    search.add_argument("--per-page", default="10")
    search.add_argument("query", nargs="*", help="query text")
    search.set_defaults(run=_search)
    return parser


def _build(args: argparse.Namespace) -> int:
    return _report(building.build(args.index, args.sources, strict=args.strict, jobs=args.jobs))


def _add(args: argparse.Namespace) -> int:
    return _report(building.add(args.index, args.sources, strict=args.strict, jobs=args.jobs))


def _report(report: building.BuildReport) -> int:
    for rejection in report.rejected[:MAX_LISTED_REJECTIONS]:
        print(f"rejected {rejection}", file=sys.stderr)
    if len(report.rejected) > MAX_LISTED_REJECTIONS:
        print(f"... and {len(report.rejected) - MAX_LISTED_REJECTIONS:,} more rejected", file=sys.stderr)
    print(report.summary())
    return 0


def _search(args: argparse.Namespace) -> int:
    params = {"q": [" ".join(args.query)], "country": args.country, "sort": [args.sort],
              "page": [args.page], "per_page": [args.per_page]}
    params |= {k: [v] for k, v in (("from", args.date_from), ("to", args.date_to)) if v}
    result = SearchService(args.index).search(SearchRequest.from_params(params))
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(_plain(result))
    return 0


def _plain(result: dict) -> str:
    lines = [f"{result['total']} result(s) for {result['searched']!r}"
             + (" (partial matches)" if result["partial"] else "")]
    for rank, hit in enumerate(result["hits"], start=(result["page"] - 1) * result["per_page"] + 1):
        countries = ", ".join(country_name(c) for c in hit["countries"])
        lines.append(f"{rank:3}. [{hit['date'] or 'undated'}] {hit['title']}  ({hit['id']}; {countries})")
    if result["suggestion"]:
        lines.append(f"did you mean: {result['suggestion']['text']}")
    return "\n".join(lines)
