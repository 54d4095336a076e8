"""Serve the web UI with waitress: `python -m webui --host 127.0.0.1 --port 8000`; the index is $INDEX_DIR."""
from __future__ import annotations

import argparse
import logging
import sys

from waitress import serve

from indexer.store import current_generation
from webui import create_app


def main(argv: list[str] | None = None) -> int:
    """Parse the options and serve until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m webui", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    parser.add_argument("--threads", type=int, default=4, help="worker threads (default 4)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app()
    app.debug = False  # production, whatever FLASK_DEBUG a developer's shell still exports from `flask run`
    index_dir = app.config["INDEX_DIR"]
    if current_generation(index_dir) is None:
        print(f"warning: no index at {index_dir}; the page says so until you run `make index`", file=sys.stderr)
    print(f"Serving the index at {index_dir} on http://{args.host}:{args.port}/", file=sys.stderr)
    serve(app, host=args.host, port=args.port, threads=args.threads, ident="vnsearch")
    return 0


if __name__ == "__main__":
    sys.exit(main())
