"""`python -m bench [--quick] [--sizes 10000,50000,172484] [--systems ours,whoosh,tantivy]`: build and query
benchmarks on the shared corpus, ours side by side with a plain Whoosh and a tantivy baseline (bench/baselines).

Every system gets the same articles and the same query mix. Each build, each in-process measurement and each cold
start runs in a process of its own, so one system's memory never counts against another's.
Writes bench/results/<name>.json. Figures are medians over the run; run it on a quiet machine.
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
from typing import Callable

from bench.queries import COMMON, query_mix

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "news.jsonl.xz"
WORK = ROOT / "bench" / "work"
RESULTS = ROOT / "bench" / "results"
SYSTEMS = ("ours", "whoosh", "tantivy")
BASELINE_MODULES = {"whoosh": "whoosh_plain", "tantivy": "tantivy_folded"}
COMMON_RUNS = 3  # warm timings of each common query; the median is reported


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, or (`inprocess ...`) one system's in-process measurement for it."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["inprocess"]:
        return inprocess_main(argv[1:])
    args = _parser().parse_args(argv)
    sizes = [int(s) for s in (args.sizes or ("2000" if args.quick else "10000")).split(",")]
    args.queries = args.queries or (100 if args.quick else 300)
    args.http_requests = args.http_requests or (200 if args.quick else 400)
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
    parser.add_argument("--quick", action="store_true", help="2,000 articles, 100 queries, 200 requests per level")
    parser.add_argument("--sizes", help="comma-separated article counts (first N lines of the corpus)")
    parser.add_argument("--queries", type=int, default=None)
    parser.add_argument("--systems", type=_systems, default=SYSTEMS,
                        help="comma-separated systems to measure (default ours,whoosh,tantivy)")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--name", help="results file name")
    parser.add_argument("--http-requests", type=int, default=None, help="requests per concurrency level (400)")
    parser.add_argument("--reuse-build", type=Path, help="a results file: keep its build figures and the index "
                        "built then, measure the rest again")
    parser.add_argument("--pass-seconds", type=float, default=300.0,
                        help="at most this long per in-process pass over the mix: later queries are not run")
    parser.add_argument("--http-seconds", type=float, default=90.0,
                        help="at most this long per concurrency level: later requests are not sent")
    return parser


def _systems(value: str) -> tuple[str, ...]:
    """The --systems list, checked: known names, in the order given, each once."""
    names = tuple(dict.fromkeys(s.strip() for s in value.split(",") if s.strip()))
    unknown = [s for s in names if s not in SYSTEMS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"unknown system(s) {', '.join(unknown) or '(none)'}: choose from "
                                         f"{', '.join(SYSTEMS)}")
    return names


def bench_size(size: int, args: argparse.Namespace) -> dict:
    """Every chosen system on the first `size` articles of the corpus, with the same query mix."""
    source = _prefix(args.corpus, size)
    titles = [json.loads(line)["title"] for line in itertools.islice(source.open(encoding="utf-8"), 5000)]
    mix = query_mix(titles, args.queries)
    mix_file = WORK / f"mix-{size}-{args.queries}.json"
    mix_file.write_text(json.dumps(mix, ensure_ascii=False))
    return {"articles": size,
            "systems": {system: bench_system(system, source, _index_dir(system, size), mix, mix_file, args)
                        for system in args.systems}}


def bench_system(system: str, source: Path, index: Path, mix: list[dict], mix_file: Path,
                 args: argparse.Namespace) -> dict:
    """One system's build, in-process latency, cold start and HTTP load."""
    print(f"bench: {system}, {source.name}", file=sys.stderr)
    reused = _reused_build(args.reuse_build, system, source, index)
    return {"build": reused or _timed_build(system, source, index),
            "in_process": in_process(system, index, mix_file, args.pass_seconds),
            "cold_start_s": cold_start(system, index),
            "http": over_http(system, index, mix, args.http_requests, args.http_seconds)}


def _reused_build(results: Path | None, system: str, source: Path, index: Path) -> dict | None:
    """The build figures of an earlier run of this size (`--reuse-build`) when its index is still there: the query
    side can then be measured again after a query-path change without rebuilding."""
    if results is None or not index.exists():
        return None
    size = _count_lines(source)
    for run in json.loads(results.read_text(encoding="utf-8"))["runs"]:
        if run["articles"] == size and system in run.get("systems", {}):
            return run["systems"][system]["build"] | {"reused_from": results.name}
    return None


def _count_lines(path: Path) -> int:
    with path.open(encoding="utf-8") as lines:
        return sum(1 for _ in lines)


def _index_dir(system: str, size: int) -> Path:
    return WORK / (f"index-{size}" if system == "ours" else f"{system}-{size}")


def _prefix(corpus: Path, size: int) -> Path:
    path = WORK / f"news-{size}.jsonl"
    if not path.exists():
        with lzma.open(corpus, "rt", encoding="utf-8") as src, open(path.with_suffix(".tmp"), "w") as out:
            out.writelines(itertools.islice(src, size))
        path.with_suffix(".tmp").rename(path)
    return path


def _build_command(system: str, source: Path, index: Path) -> list[str]:
    if system == "ours":
        return [sys.executable, "-m", "indexer", "build", "--index", str(index), str(source)]
    return [sys.executable, "-m", "bench.baselines", "build", system, str(source), str(index)]


def _timed_build(system: str, source: Path, index: Path) -> dict:
    """Build in a child process; its peak RSS is that child's own (with its workers), read from os.wait4."""
    started = time.monotonic()
    proc = subprocess.Popen(_build_command(system, source, index))
    _, status, usage = os.wait4(proc.pid, 0)  # usage covers the child and the descendants it waited for
    seconds = time.monotonic() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, proc.args)
    articles = _count_lines(source)
    return {"seconds": round(seconds, 1), "articles_per_s": round(articles / seconds, 1),
            "peak_rss_mb_largest_process": round(usage.ru_maxrss / 1024), "index_mb": _index_mb(system, index)}


def _index_mb(system: str, index: Path) -> float:
    """Size on disk of what the system serves: our current generation, or a baseline's whole directory."""
    published = index / os.readlink(index / "current") if system == "ours" else index
    return round(sum(p.stat().st_size for p in published.rglob("*") if p.is_file()) / 2**20, 1)


def in_process(system: str, index: Path, mix_file: Path, seconds: float) -> dict:
    """The system's in-process latencies and peak RSS, measured in a fresh process of its own."""
    command = [sys.executable, "-m", "bench", "inprocess", "--system", system, "--index", str(index),
               "--mix-file", str(mix_file), "--seconds", str(seconds)]
    return json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


def inprocess_main(argv: list[str]) -> int:
    """`python -m bench inprocess --system S --index I --mix-file F`: print the in-process figures as JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench inprocess")
    parser.add_argument("--system", choices=SYSTEMS, required=True)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--mix-file", type=Path, required=True)
    parser.add_argument("--seconds", type=float, default=300.0)
    args = parser.parse_args(argv)
    mix = json.loads(args.mix_file.read_text(encoding="utf-8"))
    print(json.dumps(measure(*_engine(args.system, args.index), mix, args.seconds), ensure_ascii=False))
    return 0


def _engine(system: str, index: Path) -> tuple[Callable, Callable]:
    """The system's search function, opened on the index, and how it takes a request dict of the mix."""
    if system == "ours":
        from indexer.request import SearchRequest
        from indexer.search import SearchService
        service = SearchService(index)
        service.article("")  # opens the index now, as the baselines' searchers do, not in the first timed query
        return service.search, lambda q: SearchRequest.from_params({k: [v] for k, v in q.items()})
    from bench.baselines import module
    return module(system).Searcher(index).search, dict


def measure(search: Callable, prepare: Callable, mix: list[dict], seconds: float = 300.0) -> dict:
    """Latencies of the mix run twice (first-seen, then warm), of each common query warm, and the peak RSS.
    A pass stops after `seconds`; the warm pass repeats the queries the first one reached (`n` says how many)."""
    requests = [prepare(q) for q in mix]
    first = _timed(search, requests, seconds)  # each query's first run: its posting lists not yet cached
    times = _timed(search, requests[:len(first)], seconds)
    common = {}
    for text in COMMON:
        request = prepare({"q": text})
        search(request)
        common[text] = round(statistics.median(_timed(search, [request] * COMMON_RUNS)), 1)
    return _latency(times) | {"first_seen": _latency(first), "common_ms": common,
                              "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def _timed(search: Callable, requests: list, seconds: float = float("inf")) -> list[float]:
    times, deadline = [], time.perf_counter() + seconds
    for request in requests:
        started = time.perf_counter()
        if started > deadline:
            break
        search(request)
        times.append((time.perf_counter() - started) * 1000)
    return times


def cold_start(system: str, index: Path) -> float:
    """Seconds for a new process to import the system, open the index and answer one query."""
    if system == "ours":
        code = ("import time,sys;t=time.perf_counter();from indexer.search import SearchService,SearchRequest;"
                f"SearchService({str(index)!r}).search(SearchRequest(q='viet nam'));print(time.perf_counter()-t)")
    else:
        name = BASELINE_MODULES[system]
        code = (f"import time;t=time.perf_counter();from bench.baselines import {name};"
                f"{name}.Searcher({str(index)!r}).search({{'q':'viet nam'}});print(time.perf_counter()-t)")
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return round(time.perf_counter() - started, 2)


def _server_command(system: str, index: Path, port: int) -> list[str]:
    if system == "ours":
        return [sys.executable, "-m", "webui", "--host", "127.0.0.1", "--port", str(port)]
    return [sys.executable, "-m", "bench.baselines", "serve", system, str(index), "--host", "127.0.0.1",
            "--port", str(port)]


def over_http(system: str, index: Path, mix: list[dict], count: int, seconds: float) -> dict:
    """Latency and throughput of the system's /api/search at 1, 4, 16 and 32 clients, and its server's RSS."""
    port = _free_port()
    env = os.environ | {"INDEX_DIR": str(index)}
    server = subprocess.Popen(_server_command(system, index, port), env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}/api/search?"
        _wait_for(base)
        urls = [base + urllib.parse.urlencode(q) for q in mix]
        levels, warm = {}, None
        for clients in (1, 4, 16, 32):  # 32: the full form of the hardening load test (tests/test_load.py)
            levels[str(clients)] = _load(urls, clients, count, seconds)
            warm = warm or _memory(server.pid)  # after the first level every query has run once
        end = _memory(server.pid)
        return levels | {"server_processes": end["processes"],
                         "server_rss_mb": {"after_warm_up": warm["rss"], "at_end": end["rss"]},
                         "server_pss_total_mb": {"after_warm_up": warm["pss"], "at_end": end["pss"]}}
    finally:
        server.terminate()
        server.wait(timeout=10)


def _load(urls: list[str], clients: int, count: int, seconds: float = 90.0) -> dict:
    """`count` requests from `clients` threads; requests not started within `seconds` are not sent."""
    times, errors, lock = [], 0, threading.Lock()
    deadline = time.perf_counter() + seconds

    def fetch(url: str) -> None:
        nonlocal errors
        started = time.perf_counter()
        if started > deadline:
            return
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
    return _latency(times) | {"requests": len(times), "errors": errors, "qps": round(len(times) / elapsed, 1)}


def _memory(pid: int) -> dict:
    """The server's memory: the largest RSS of its processes (each worker is a serving process) and the sum of
    their PSS (pages shared between workers, such as the memory-mapped index, counted once)."""
    pids = _process_tree(pid)
    serving = [p for p in pids if p != pid] or [pid]  # a supervisor only watches its workers
    return {"processes": len(serving), "rss": round(max(_proc_kb(p, "status", "VmRSS:") for p in serving) / 1024, 1),
            "pss": round(sum(_proc_kb(p, "smaps_rollup", "Pss:") for p in pids) / 1024, 1)}


def _process_tree(pid: int) -> list[int]:
    found, i = [pid], 0
    while i < len(found):
        for children in Path(f"/proc/{found[i]}/task").glob("*/children"):
            found += [int(child) for child in children.read_text().split()]
        i += 1
    return found


def _proc_kb(pid: int, name: str, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


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
