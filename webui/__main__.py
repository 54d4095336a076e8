"""Serve the web UI with waitress: `python -m webui --host 127.0.0.1 --port 8000`; the index is $INDEX_DIR.

A search is Python under one interpreter lock, so one process uses one core: `--workers` processes (one per core by
default) accept on the same listening socket, each with its own search service. The first process only watches them
and starts a new one if one dies.
"""
from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import sys
import time
import traceback

from waitress import serve

from indexer.store import current_generation
from webui import create_app

QUICK_DEATH_SECONDS = 5.0  # a worker that fails this soon after its start would fail again: not restarted
_STOPPING = frozenset({signal.SIGTERM, signal.SIGINT})
log = logging.getLogger("webui")


def main(argv: list[str] | None = None) -> int:
    """Parse the options and serve until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m webui", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    # a process answers one search at a time (its search service holds a lock): a second thread reads and writes
    # the next request meanwhile; more only contend for the interpreter (16 clients, full corpus: 2 threads gave
    # 108 and 115 q/s where 4 gave 102 and 106, with 5-8 % less CPU per request)
    parser.add_argument("--threads", type=int, default=2, help="worker threads per process (default 2)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="server processes (default: one per core)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app()  # its search service opens the index at the first search: in each worker, after the fork
    app.debug = False  # production, whatever FLASK_DEBUG a developer's shell still exports from `flask run`
    _announce(app.config["INDEX_DIR"], args, max(args.workers, 1))
    if args.workers <= 1:
        serve(app, host=args.host, port=args.port, threads=args.threads, ident="vnsearch")
        return 0
    listening = socket.create_server((args.host, args.port), backlog=1024)
    return _supervise(app, listening, args.workers, args.threads)


def _announce(index_dir: str, args: argparse.Namespace, workers: int) -> None:
    if current_generation(index_dir) is None:
        print(f"warning: no index at {index_dir}; the page says so until you run `make index`", file=sys.stderr)
    print(f"Serving the index at {index_dir} on http://{args.host}:{args.port}/ ({workers} process"
          f"{'es' if workers > 1 else ''})", file=sys.stderr)


def _supervise(app, listening: socket.socket, workers: int, threads: int) -> int:
    """Start the workers, restart one that dies, stop them all on SIGTERM or ^C; 0, or 1 if one failed at start."""
    supervisor = _Supervisor(app, listening, threads)
    previous = {signum: signal.signal(signum, supervisor.stop) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        for _ in range(workers):
            supervisor.start()
        return supervisor.watch()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


class _Supervisor:
    def __init__(self, app, listening: socket.socket, threads: int) -> None:
        self.app, self.listening, self.threads = app, listening, threads
        self.started: dict[int, float] = {}
        self.stopping = False

    def start(self) -> None:
        """Fork a worker, unless told to stop. SIGTERM and ^C wait until it is on the list `stop` signals: one arriving
        during the fork would otherwise leave it serving, and the supervisor waiting for it."""
        signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING)
        try:
            if not self.stopping:
                self.started[_fork(self.app, self.listening, self.threads)] = time.monotonic()
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPPING)

    def stop(self, _signum=None, _frame=None) -> None:
        self.stopping = True
        for pid in self.started:
            _signal(pid, signal.SIGTERM)

    def watch(self) -> int:
        """Wait for workers to end, replacing each until told to stop; 1 if one failed as it started, else 0."""
        failed = 0
        while self.started:
            pid, status = os.wait()
            lived = time.monotonic() - self.started.pop(pid, 0.0)
            code = os.waitstatus_to_exitcode(status)
            if self.stopping:
                continue
            if code > 0 and lived < QUICK_DEATH_SECONDS:  # it failed by itself (not killed) as it started
                log.error("worker %d failed at start (exit %d): stopping", pid, code)
                failed = 1
                self.stop()
                continue
            log.warning("worker %d exited (%d) after %.0f s: starting another", pid, code, lived)
            self.start()
        return failed


def _fork(app, listening: socket.socket, threads: int) -> int:
    pid = os.fork()
    if pid:
        return pid
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPPING)  # blocked by the supervisor's `start` for the fork
    code = 0
    try:
        serve(app, sockets=[listening], threads=threads, ident="vnsearch")
    except KeyboardInterrupt:
        pass
    except BaseException:  # noqa: BLE001 - the worker must end here, never return into the supervisor's loop
        traceback.print_exc()
        code = 1
    finally:
        sys.stderr.flush()
        os._exit(code)


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


if __name__ == "__main__":
    sys.exit(main())
