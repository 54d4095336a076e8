"""The benchmark driver's own logic (bench/__main__.py): reusing an earlier build, bounded passes and loads."""
import json
import os
import signal
import subprocess
import sys
import time

import bench.__main__ as bench_main
from bench.__main__ import _latency, _reused_build, _timed

BUILD = {"seconds": 12.5, "articles_per_s": 0.2, "peak_rss_mb_largest_process": 100, "index_mb": 1.0}


def test_an_earlier_build_is_reused_only_for_its_size_and_system_when_the_index_is_there(tmp_path):
    source = tmp_path / "news.jsonl"
    source.write_text('{"id": "a"}\n{"id": "b"}\n', encoding="utf-8")
    results = tmp_path / "full.json"
    results.write_text(json.dumps({"runs": [{"articles": 2, "systems": {"ours": {"build": BUILD}}},
                                            {"articles": 3, "systems": {"tantivy": {"build": BUILD}}}]}))
    index = tmp_path / "index"
    assert _reused_build(results, "ours", source, index) is None  # no index left: build again
    index.mkdir()
    assert _reused_build(results, "ours", source, index) == BUILD | {"reused_from": "full.json"}
    assert _reused_build(results, "tantivy", source, index) is None  # that run had 3 articles
    assert _reused_build(None, "ours", source, index) is None


def test_a_pass_stops_at_its_time_budget():
    calls = []
    times = _timed(calls.append, list(range(100)), seconds=0.0)
    assert (times, calls) == ([], [])
    assert len(_timed(calls.append, list(range(5)))) == 5 and calls == [0, 1, 2, 3, 4]


def test_latency_summary():
    assert _latency([5.0, 1.0, 3.0, 2.0, 4.0]) == {"median_ms": 3.0, "p95_ms": 5.0, "p99_ms": 5.0, "max_ms": 5.0,
                                                  "n": 5}


def test_server_memory_is_its_workers_largest_rss_and_all_processes_pss():
    worker = "import time; data = b'x' * 60_000_000; time.sleep(60)"
    code = (f"import subprocess, sys, time; workers = [subprocess.Popen([sys.executable, '-c', {worker!r}]) "
            "for _ in range(2)]; time.sleep(60)")
    supervisor = subprocess.Popen([sys.executable, "-c", code])
    try:
        deadline = time.monotonic() + 30
        while True:
            memory = bench_main._memory(supervisor.pid)
            if memory["processes"] == 2 and memory["rss"] >= 57 and memory["pss"] >= 2 * 57 or \
                    time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert memory["processes"] == 2
        assert 57 <= memory["rss"] < 100  # one worker's 60 MB and its interpreter: the largest, not the sum
        assert memory["pss"] >= 2 * 57
    finally:
        for pid in bench_main._process_tree(supervisor.pid)[1:]:
            os.kill(pid, signal.SIGKILL)
        supervisor.kill()
        supervisor.wait()
