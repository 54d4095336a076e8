"""A short, bounded load test on loopback: the server `make serve` starts (`python -m webui`, waitress) over a small
index, a fixed number of requests from 32 concurrent clients; zero errors, and memory flat after warm-up."""
from __future__ import annotations

import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest

import webui.__main__ as webui_main
from tests.helpers import article, build_index

PROJECT = Path(__file__).resolve().parent.parent
ARTIFACTS = PROJECT / "test-artifacts"
CLIENTS = 32
REQUESTS = 640  # 20 per client
WARM_UP_ROUNDS = 3
MEMORY_TOLERANCE = 0.10
WORDS = ("thủ tướng hội đàm kinh tế hợp tác đầu tư thương mại Việt Nam Trung Quốc Nhật Bản Hoa Kỳ Nga Pháp năng lượng "
         "giáo dục y tế nông nghiệp bão lũ miền Trung xuất khẩu gạo cà phê").split()
QUERIES = ["hoi dam", "hội đàm", "hooij ddamf", "thu tuong", '"thu tuong" -nga', "nga OR phap", "title:hoi",
           "kinh te viet nam", "xuat khau gao", "bao lu mien trung", "khong co tu nay", ""]
PATHS = ([f"/api/search?q={quote(q)}" for q in QUERIES] + [f"/?q={quote(q)}" for q in QUERIES[:6]]
         + ["/api/search?q=hoi+dam&country=VN&sort=date&per_page=20", "/?q=hoi+dam&date=2024&page=2",
            "/api/articles/tin-7", "/articles/tin-12?q=hoi+dam", "/api/search?q=hoi&from=2024-01-01&to=2024-06-30",
            "/?q=dau+tu&country=JP&country=VN", "/static/style.css"])


def small_index(tmp_path: Path) -> Path:
    rnd = random.Random(7)
    records = [article(f"tin-{i}", " ".join(rnd.choice(WORDS) for _ in range(8)).capitalize(),
                       " ".join(rnd.choice(WORDS) for _ in range(120)) + ".", date=f"2024-{1 + i % 12:02d}-15",
                       source="Báo Thử") for i in range(200)]
    return build_index(tmp_path, records)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rss_kb(pid: int) -> int:
    """The resident memory of the server's workers (of the process itself when it has none)."""
    total = 0
    for process in workers(pid) or [pid]:
        status = Path(f"/proc/{process}/status").read_text()
        total += int(next(line for line in status.splitlines() if line.startswith("VmRSS:")).split()[1])
    return total


def workers(pid: int) -> list[int]:
    return [int(child) for path in Path(f"/proc/{pid}/task").glob("*/children") for child in path.read_text().split()]


def start_server(index: Path, port: int, log) -> subprocess.Popen:
    """`python -m webui` with two worker processes, once it accepts connections and both workers are forked (the
    listening socket accepts before they are: a test that listed them at once found one)."""
    process = subprocess.Popen([sys.executable, "-m", "webui", "--host", "127.0.0.1", "--port", str(port),
                                "--workers", "2"], cwd=PROJECT, env={**os.environ, "INDEX_DIR": str(index)},
                               stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                if len(workers(process.pid)) == 2:
                    return process
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            log.seek(0)
            pytest.fail(f"`python -m webui` did not start with two workers:\n{log.read()}")
        time.sleep(0.1)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`python -m webui` (waitress) on a free loopback port over a 200-article index; stopped afterwards."""
    tmp_path = tmp_path_factory.mktemp("load")
    port = free_port()
    log = open(tmp_path / "server.log", "w+")
    process = start_server(small_index(tmp_path), port, log)
    try:
        yield process, port
    finally:
        process.send_signal(signal.SIGINT)  # waitress stops on ^C
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def run_clients(port: int, paths: list[str], clients: int) -> tuple[list[float], list[str], float]:
    """Send `paths` (each once) from `clients` threads with keep-alive connections: latencies, errors, seconds."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    queue = iter(paths)

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            while True:
                with lock:
                    path = next(queue, None)
                if path is None:
                    return
                started = time.perf_counter()
                try:
                    connection.request("GET", path)
                    response = connection.getresponse()
                    body = response.read()
                    ok = response.status == 200 and body
                    problem = None if ok else f"{path}: {response.status} {body[:100]!r}"
                except (OSError, http.client.HTTPException) as err:
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    problem = f"{path}: {type(err).__name__}: {err}"
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    if problem:
                        errors.append(problem)
        finally:
            connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors, time.perf_counter() - started


def test_32_concurrent_clients_get_no_errors_and_memory_stays_flat(server):
    process, port = server
    rnd = random.Random(1)
    _, warm_errors, _ = run_clients(port, PATHS * WARM_UP_ROUNDS, CLIENTS)
    assert warm_errors == []
    warm_rss = rss_kb(process.pid)
    paths = [rnd.choice(PATHS) for _ in range(REQUESTS)]
    latencies, errors, seconds = run_clients(port, paths, CLIENTS)
    end_rss = rss_kb(process.pid)
    latencies.sort()
    report = {"requests": len(latencies), "clients": CLIENTS, "errors": len(errors),
              "throughput_rps": round(len(latencies) / seconds, 1),
              "p50_ms": round(latencies[len(latencies) // 2] * 1000, 1),
              "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1] * 1000, 1),
              "max_ms": round(latencies[-1] * 1000, 1),
              "rss_after_warm_up_mb": round(warm_rss / 1024, 1), "rss_at_end_mb": round(end_rss / 1024, 1)}
    print("load test:", json.dumps(report))
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "load-report.json").write_text(json.dumps(report, indent=2) + "\n")
    assert errors == [] and len(latencies) == REQUESTS
    assert abs(end_rss - warm_rss) <= MEMORY_TOLERANCE * warm_rss, report
    assert process.poll() is None


def test_the_served_app_is_waitress_in_production_mode(server):
    _, port = server
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", "/?__debugger__=yes&cmd=resource&f=debugger.js")
        response = connection.getresponse()
        body = response.read().decode("utf-8")
        assert (response.status, response.getheader("Server")) == (200, "vnsearch")  # waitress's ident
        assert response.getheader("Content-Type") == "text/html; charset=utf-8" and "Werkzeug" not in body
        connection.request("GET", "/api/search?q=hoi+dam&page=0")
        response = connection.getresponse()
        assert (response.status, json.loads(response.read())) == (
            400, {"error": "'page' phải từ 1 đến 10,000, không phải 0", "status": 400})
        assert "frame-ancestors 'none'" in response.getheader("Content-Security-Policy")
        connection.request("GET", "/api/search?q=" + "a" * 100_000)  # through waitress's request parser too
        response = connection.getresponse()
        assert (response.status, json.loads(response.read())) == (
            400, {"error": "Câu tìm kiếm quá dài (100000 ký tự); tối đa 500 ký tự.", "status": 400})
    finally:
        connection.close()


def test_a_worker_that_dies_is_replaced_and_the_port_keeps_answering(server):
    process, port = server
    before = workers(process.pid)
    assert len(before) == 2
    os.kill(before[0], signal.SIGKILL)
    deadline = time.monotonic() + 30
    while not (len(workers(process.pid)) == 2 and before[0] not in workers(process.pid)):
        assert time.monotonic() < deadline, workers(process.pid)
        time.sleep(0.1)
    _, errors, _ = run_clients(port, PATHS * 2, 4)
    assert errors == [] and process.poll() is None


def test_sigterm_stops_the_server_and_its_workers(tmp_path, index_dir):
    port = free_port()
    with open(tmp_path / "server.log", "w+") as log:
        process = start_server(index_dir, port, log)
        children = workers(process.pid)
        try:
            assert len(children) == 2
            process.terminate()
            assert process.wait(timeout=10) == 0
            assert not [pid for pid in children if Path(f"/proc/{pid}").exists()]
        finally:  # a server that did not stop is not left behind
            for pid in [process.pid, *children]:
                webui_main._signal(pid, signal.SIGKILL)
            process.wait()


def test_sigterm_arriving_while_a_worker_is_forked_stops_that_worker_too(monkeypatch):
    signalled = []

    def fork_then_sigterm(app, listening, threads):
        pid = os.fork()
        if pid == 0:  # a worker: serves (here, sleeps) until signalled, as `_fork`'s do
            try:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
                time.sleep(3)
            finally:
                os._exit(0)
        # before the supervisor has the worker on its list; to this thread, the one a supervisor has (pytest's
        # process may have others, which would take a signal sent to the process)
        signal.pthread_kill(threading.get_ident(), signal.SIGTERM)
        return pid

    monkeypatch.setattr(webui_main, "_fork", fork_then_sigterm)
    monkeypatch.setattr(webui_main, "_signal", lambda pid, signum: (signalled.append(pid), os.kill(pid, signum)))
    with socket.create_server(("127.0.0.1", 0)) as listening:
        assert webui_main._supervise(None, listening, 1, 1) == 0
    assert len(signalled) == 1  # it was killed, not left to end by itself


def test_a_worker_failing_as_it_starts_stops_the_server_with_status_1(monkeypatch):
    def failing_fork(app, listening, threads):
        pid = os.fork()
        if pid == 0:
            os._exit(3)  # what a worker does when waitress fails as it starts
        return pid

    monkeypatch.setattr(webui_main, "_fork", failing_fork)
    handlers = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    with socket.create_server(("127.0.0.1", 0)) as listening:
        assert webui_main._supervise(None, listening, 2, 1) == 1
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)) == handlers
