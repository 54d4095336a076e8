"""`python -m bench [--quick] [--sizes 10000,50000,172484]`: build and query benchmarks on the shared corpus.

Writes bench/results/<name>.json and a markdown report. Figures are medians over the run; run it on a quiet machine.
"""
from __future__ import annotations

import argparse
import itertools
import json
import lzma
import os
import platform
import resource
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.queries import query_mix
from indexer.request import SearchRequest
from indexer.search import SearchService

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "news.jsonl.xz"
WORK = ROOT / "bench" / "work"
RESULTS = ROOT / "bench" / "results"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    sizes = [int(s) for s in (args.sizes or ("2000" if args.quick else "10000")).split(",")]
    WORK.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    runs = [bench_size(size, args) for size in sizes]
    result = {"machine": _machine(), "queries": args.queries, "runs": runs}
    name = args.name or ("quick" if args.quick else "sizes-" + "-".join(map(str, sizes)))
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="2,000 articles and 100 queries")
    parser.add_argument("--sizes", help="comma-separated article counts (first N lines of the corpus)")
    parser.add_argument("--queries", type=int, default=None)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--name", help="results file name")
    parser.add_argument("--http-requests", type=int, default=400, help="requests per concurrency level")
    return parser


def bench_size(size: int, args: argparse.Namespace) -> dict:
    args.queries = args.queries or (100 if args.quick else 300)
    source = _prefix(args.corpus, size)
    index = WORK / f"index-{size}"
    build = _timed_build(source, index)
    titles = [json.loads(line)["title"] for line in itertools.islice(source.open(encoding="utf-8"), 5000)]
    mix = query_mix(titles, args.queries)
    return {"articles": size, "build": build, "in_process": in_process(index, mix),
            "cold_start_s": cold_start(index), "http": over_http(index, mix, args.http_requests)}


def _prefix(corpus: Path, size: int) -> Path:
    path = WORK / f"news-{size}.jsonl"
    if not path.exists():
        with lzma.open(corpus, "rt", encoding="utf-8") as src, open(path.with_suffix(".tmp"), "w") as out:
            out.writelines(itertools.islice(src, size))
        path.with_suffix(".tmp").rename(path)
    return path


def _timed_build(source: Path, index: Path) -> dict:
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "indexer", "build", "--index", str(index), str(source)], check=True)
    seconds = time.monotonic() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    current = index / os.readlink(index / "current")
    size = sum(p.stat().st_size for p in current.iterdir())
    articles = sum(1 for _ in source.open(encoding="utf-8"))
    return {"seconds": round(seconds, 1), "articles_per_s": round(articles / seconds, 1),
            "peak_rss_mb_largest_process": round(peak_kb / 1024), "index_mb": round(size / 2**20, 1)}


def in_process(index: Path, mix: list[dict]) -> dict:
    service = SearchService(index)
    requests = [SearchRequest.from_params({k: [v] for k, v in q.items()}) for q in mix]
    first = _timed(service, requests)  # each query's first run: its posting lists not yet cached
    times = _timed(service, requests)
    return _latency(times) | {"first_seen": _latency(first),
                              "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def _timed(service: SearchService, requests: list[SearchRequest]) -> list[float]:
    times = []
    for request in requests:
        started = time.perf_counter()
        service.search(request)
        times.append((time.perf_counter() - started) * 1000)
    return times


def cold_start(index: Path) -> float:
    code = ("import time,sys;t=time.perf_counter();from indexer.search import SearchService,SearchRequest;"
            f"SearchService({str(index)!r}).search(SearchRequest(q='viet nam'));print(time.perf_counter()-t)")
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return round(time.perf_counter() - started, 2)


def over_http(index: Path, mix: list[dict], count: int) -> dict:
    port = _free_port()
    env = os.environ | {"INDEX_DIR": str(index)}
    server = subprocess.Popen([sys.executable, "-m", "webui", "--host", "127.0.0.1", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}/api/search?"
        _wait_for(base)
        urls = [base + urllib.parse.urlencode(q) for q in mix]
        levels, warm = {}, None
        for clients in (1, 4, 16, 32):  # 32: the full form of the hardening load test (tests/test_load.py)
            levels[str(clients)] = _load(urls, clients, count)
            warm = warm or _rss_mb(server.pid)  # after the first level every query has run once
        return levels | {"server_rss_mb": {"after_warm_up": warm, "at_end": _rss_mb(server.pid)}}
    finally:
        server.terminate()
        server.wait(timeout=10)


def _load(urls: list[str], clients: int, count: int) -> dict:
    times, errors, lock = [], 0, threading.Lock()

    def fetch(url: str) -> None:
        nonlocal errors
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                response.read()
                ok = response.status == 200
        except OSError:
            ok = False
        with lock:
            times.append((time.perf_counter() - started) * 1000)
            errors += not ok

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(fetch, itertools.islice(itertools.cycle(urls), count)))
    elapsed = time.perf_counter() - started
    return _latency(times) | {"requests": count, "errors": errors, "qps": round(count / elapsed, 1)}


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def _latency(times: list[float]) -> dict:
    ordered = sorted(times)
    pick = lambda q: round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)  # noqa: E731
    return {"median_ms": round(statistics.median(ordered), 1), "p95_ms": pick(0.95), "p99_ms": pick(0.99),
            "max_ms": round(ordered[-1], 1), "n": len(ordered)}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "q=x", timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server at {url} did not answer in {seconds} s")


def _machine() -> dict:
    return {"python": platform.python_version(), "cores": os.cpu_count(), "date": time.strftime("%Y-%m-%d")}


if __name__ == "__main__":
    sys.exit(main())
