"""`python -m bench.baselines build {whoosh,tantivy} SOURCE INDEX_DIR` and
`python -m bench.baselines serve {whoosh,tantivy} INDEX_DIR --port P`: a baseline's build in a process of its own (so
its peak memory can be measured), and its search over HTTP at GET /api/search?q=..&country=..&from=..&to=.. on
waitress with our web UI's thread count, so the benchmark loads it the way it loads ours.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Callable, Iterable
from urllib.parse import parse_qs

from waitress import serve

from bench.baselines import SYSTEMS, module

THREADS = 4  # webui/__main__.py's default --threads
PARAMS = ("q", "country", "from", "to")


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and build or serve."""
    args = _parser().parse_args(argv)
    baseline = module(args.system)
    if args.command == "build":
        started = time.monotonic()
        baseline.build(args.source, args.index_dir)
        print(f"{args.system}: built {args.index_dir} in {time.monotonic() - started:.1f} s", file=sys.stderr)
        return 0
    print(f"{args.system}: serving {args.index_dir} on http://{args.host}:{args.port}/api/search", file=sys.stderr)
    serve(app(baseline.Searcher(args.index_dir)), host=args.host, port=args.port, threads=THREADS,
          ident=f"baseline-{args.system}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.baselines", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="index SOURCE (JSON Lines) into INDEX_DIR")
    build.add_argument("system", choices=SYSTEMS)
    build.add_argument("source", type=Path)
    build.add_argument("index_dir", type=Path)
    run = commands.add_parser("serve", help="answer GET /api/search over INDEX_DIR")
    run.add_argument("system", choices=SYSTEMS)
    run.add_argument("index_dir", type=Path)
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8001)
    return parser


def app(searcher) -> Callable:
    """A WSGI app answering GET /api/search with the searcher's JSON dict; anything else is 404."""
    def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != "/api/search":
            return _reply(start_response, "404 Not Found", {"error": "only /api/search is served"})
        params = parse_qs(environ.get("QUERY_STRING", ""))
        request = {name: params[name][-1] for name in PARAMS if params.get(name)}
        return _reply(start_response, "200 OK", searcher.search(request))
    return application


def _reply(start_response: Callable, status: str, body: dict) -> list[bytes]:
    data = json.dumps(body, ensure_ascii=False).encode()
    start_response(status, [("Content-Type", "application/json; charset=utf-8"), ("Content-Length", str(len(data)))])
    return [data]


if __name__ == "__main__":
    sys.exit(main())
