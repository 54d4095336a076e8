"""The index under traffic: rebuilds and adds while searches go on, builds killed with SIGKILL, two builds at once,
and a missing, empty or corrupt index (503, then recovery without a restart)."""
from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from indexer import build as building
from indexer import store
from indexer.search import SearchRequest, SearchService
from indexer.vocabulary import FILE
from tests.helpers import article, build_index, write_jsonl
from webui import create_app

PROJECT = Path(__file__).resolve().parent.parent
SWITCH_SECONDS = 3.0  # the service rechecks the index every second; a new one must serve within this
NO_INDEX = {"error": "Chưa có chỉ mục: chạy `make index`", "status": 503}
WORDS = ("thủ tướng hội đàm kinh tế hợp tác đầu tư thương mại Việt Nam Trung Quốc Nhật Bản năng lượng giáo dục "
         "y tế nông nghiệp").split()


def news(tag: str, count: int, extra: str = "", start: int = 0) -> list[dict]:
    """`count` articles `tag-N` about "hội đàm", each also mentioning `extra`."""
    rnd = random.Random(tag)
    return [article(f"{tag}-{i}", f"Tin {tag} số {i} về hội đàm",
                    " ".join(rnd.choice(WORDS) for _ in range(40)) + f". {extra} Bài số {i}.",
                    date=f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}")
            for i in range(start, start + count)]


def cli(*args: str, **options) -> subprocess.Popen:
    """`python -m indexer ARGS` in its own session (so that a kill reaches its workers too).

    Its temporary files go beside the index: whatever a killed build leaves there is not left in the shared /tmp.
    """
    return subprocess.Popen([sys.executable, "-m", "indexer", *args], cwd=PROJECT, start_new_session=True,
                            env=_private_tmp(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            **options)


def _private_tmp(args) -> dict[str, str]:
    tmp = Path(args[list(args).index("--index") + 1]).parent / "tmp"
    tmp.mkdir(exist_ok=True)
    return {**os.environ, "TMPDIR": str(tmp)}


def _all_ids(service: SearchService) -> list[str]:
    first = service.search(SearchRequest(per_page=100))
    found = [hit["id"] for hit in first["hits"]]
    for page in range(2, (first["total"] + 99) // 100 + 1):
        found += [hit["id"] for hit in service.search(SearchRequest(per_page=100, page=page))["hits"]]
    return found


# --- a real HTTP server over the index, and clients hammering it -------------------------------------------------

@pytest.fixture
def serve():
    """serve(root) → base URL of the app over that index, on a threaded server; stopped afterwards."""
    started = []

    def start(root: Path) -> str:
        app = create_app({"INDEX_DIR": str(root)})
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        started.append((server, thread, app))
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server, thread, app in started:
        server.shutdown()
        thread.join()
        server.server_close()
        app.extensions["search"].close()


@dataclass
class Outcome:
    started: float
    ended: float
    path: str
    status: int | None
    body: dict | str | None


def fetch(url: str) -> tuple[int, dict | str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            status, data, kind = response.status, response.read(), response.headers.get_content_type()
    except urllib.error.HTTPError as err:
        status, data, kind = err.code, err.read(), err.headers.get_content_type()
    return status, json.loads(data) if kind == "application/json" else data.decode("utf-8")


class Traffic:
    """`clients` threads requesting `paths` round-robin until stopped; every outcome is kept."""

    def __init__(self, base_url: str, paths: list[str], clients: int = 4) -> None:
        self.base_url, self.paths = base_url, paths
        self.outcomes: list[Outcome] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(clients)]

    def __enter__(self) -> "Traffic":
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()

    def _run(self, n: int) -> None:
        turn = n
        while not self._stop.is_set():
            path = self.paths[turn % len(self.paths)]
            turn += 1
            started = time.monotonic()
            try:
                status, body = fetch(self.base_url + path)
            except Exception as err:  # noqa: BLE001 - a refused or dropped connection is an outcome too
                status, body = None, f"{type(err).__name__}: {err}"
            self.outcomes.append(Outcome(started, time.monotonic(), path, status, body))

    def of(self, path: str) -> list[Outcome]:
        return sorted((o for o in self.outcomes if o.path == path), key=lambda o: o.started)


def assert_all_succeeded(traffic: Traffic) -> None:
    failed = [(o.path, o.status, str(o.body)[:200]) for o in traffic.outcomes if o.status != 200]
    assert not failed, f"{len(failed)} of {len(traffic.outcomes)} requests failed: {failed[:5]}"


def assert_switched_once(outcomes: list[Outcome], old, new, begun: float, done: float) -> None:
    """Old answers until the build `begun`, then old or new, never old again once new was seen; new soon after."""
    totals = [o.body["total"] for o in outcomes]
    assert set(totals) <= {old, new}, set(totals)
    assert all(o.body["total"] == old for o in outcomes if o.ended < begun)
    first_new = next(o for o in outcomes if o.body["total"] == new)
    assert all(o.body["total"] == new for o in outcomes if o.started > first_new.ended), "went back to the old index"
    assert first_new.ended - done < SWITCH_SECONDS, f"new index served {first_new.ended - done:.1f} s after the build"


OLD = news("cu", 80)
NEW = OLD[:30] + news("moi", 100, extra="Sầu riêng được mùa.")
ADDED = news("them", 30, extra="Măng cụt được mùa, măng cụt xuất khẩu.")
PATHS = ["/api/search?q=hoi+dam", "/api/search?q=sau+rieng&sort=date", "/?q=hoi+dam&country=VN",
         "/api/articles/cu-1", "/articles/cu-2?q=hoi+dam", "/api/search?q=mang+cut&per_page=5"]


def _timed_cli(command: str, root: Path, source: Path, count: int) -> tuple[float, float]:
    """Run `indexer build|add` on one source, check it indexed `count` new articles; when it started and ended."""
    started = time.monotonic()
    process = cli(command, "--jobs", "1", "--index", str(root), str(source))
    out, err = process.communicate(timeout=300)
    assert (process.returncode, out.split(" in ")[0]) == (0, f"indexed {count}, replaced 0, rejected 0"), err
    return started, time.monotonic()


def test_searches_succeed_through_a_rebuild_and_an_add_and_switch_without_a_restart(tmp_path, serve):
    root = build_index(tmp_path, OLD)
    base_url = serve(root)
    write_jsonl(tmp_path / "new.jsonl", NEW)
    write_jsonl(tmp_path / "added.jsonl", ADDED)
    with Traffic(base_url, PATHS) as traffic:
        time.sleep(0.5)
        building_from, built = _timed_cli("build", root, tmp_path / "new.jsonl", len(NEW))
        time.sleep(SWITCH_SECONDS)
        adding_from, added = _timed_cli("add", root, tmp_path / "added.jsonl", len(ADDED))
        time.sleep(SWITCH_SECONDS)
    assert_all_succeeded(traffic)
    during = [o for o in traffic.outcomes if o.started < built]
    assert len(during) >= 20, f"only {len(during)} requests overlapped the build"
    hoi_dam = traffic.of("/api/search?q=hoi+dam")
    assert_switched_once([o for o in hoi_dam if o.started < adding_from], len(OLD), len(NEW), building_from, built)
    assert_switched_once([o for o in hoi_dam if o.started > built + SWITCH_SECONDS], len(NEW),
                         len(NEW) + len(ADDED), adding_from, added)
    assert_switched_once([o for o in traffic.of("/api/search?q=sau+rieng&sort=date") if o.started < adding_from],
                         0, len(NEW) - 30, building_from, built)
    last = traffic.of("/api/search?q=mang+cut&per_page=5")[-1].body
    assert (last["total"], {h["id"][:5] for h in last["hits"]}) == (len(ADDED), {"them-"})
    assert all(o.body["id"] == "cu-1" for o in traffic.of("/api/articles/cu-1"))
    print(f"{len(traffic.outcomes)} requests, all 200, {len(during)} of them during the rebuild")


def test_an_add_brings_its_new_words_to_suggestions(tmp_path, monkeypatch):
    """The service may reopen the index between an add's commit and its vocabulary: it must not keep the old one."""
    root = build_index(tmp_path, OLD)
    service = SearchService(root)
    assert service.search(SearchRequest(q="mang cut"))["suggestion"] != {"text": "măng cụt",
                                                                          "url": "/?q=m%C4%83ng+c%E1%BB%A5t"}
    real = building.build_vocabulary

    def searched_meanwhile(index, directory):
        time.sleep(1.1)  # past the service's recheck interval: the next search sees the committed add
        service.search(SearchRequest(q="hoi dam"))
        return real(index, directory)

    monkeypatch.setattr(building, "build_vocabulary", searched_meanwhile)
    building.add(root, [str(write_jsonl(tmp_path / "added.jsonl", ADDED))], jobs=1)
    time.sleep(1.1)
    try:
        result = service.search(SearchRequest(q="mang cut"))
        assert result["total"] == len(ADDED)
        assert result["suggestion"] == {"text": "măng cụt", "url": "/?q=m%C4%83ng+c%E1%BB%A5t"}
    finally:
        service.close()


def test_an_old_generation_removed_under_an_open_searcher_does_not_break_searches(tmp_path):
    root = build_index(tmp_path, OLD[:20])
    service = SearchService(root)
    try:
        first = store.current_generation(root)
        assert service.search(SearchRequest(q="hoi dam"))["total"] == 20
        for n in (1, 2):  # two builds: the first generation is dropped while the service still has it open
            building.build(root, [str(write_jsonl(tmp_path / f"b{n}.jsonl", OLD[:20 + n]))], jobs=1)
        assert not first.exists()
        assert service.search(SearchRequest(q="hoi dam"))["total"] in (20, 22)
        assert service.article("cu-3")["id"] == "cu-3"
        time.sleep(1.1)
        assert service.search(SearchRequest(q="hoi dam"))["total"] == 22
    finally:
        service.close()


# --- a build killed with SIGKILL ------------------------------------------------------------------------------------

def test_a_build_killed_at_random_moments_leaves_an_index_serving_and_the_next_build_works(tmp_path):
    new_records = news("moi", 300)
    new_source = write_jsonl(tmp_path / "new.jsonl", new_records)
    old_ids, new_ids = {a["id"] for a in OLD}, {a["id"] for a in new_records}
    root = build_index(tmp_path, OLD)
    service = SearchService(root)
    seed = int(os.environ.get("KILL_SEED", random.randrange(10**6)))
    rnd = random.Random(seed)
    moments = [rnd.uniform(0.2, 3.5) for _ in range(3)]  # from start-up to publishing (a build takes ~3 s here)
    print(f"KILL_SEED={seed}: SIGKILL after {', '.join(f'{m:.2f}' for m in moments)} s")
    contents = {store.current_generation(root): old_ids}
    try:
        for moment in moments:
            serving = store.current_generation(root)
            build = cli("build", "--jobs", "2", "--index", str(root), str(new_source))
            try:
                build.wait(timeout=moment)
            except subprocess.TimeoutExpired:
                os.killpg(build.pid, signal.SIGKILL)  # the build and its analysis workers
            build.communicate(timeout=60)
            assert build.returncode in (-signal.SIGKILL, 0), build.returncode
            now = store.current_generation(root)
            time.sleep(1.1)  # the service looks for a new index every second
            if now == serving:
                assert set(_all_ids(service)) == contents[serving]  # the previous index, whole
            else:
                assert set(_all_ids(service)) == new_ids  # finished, or killed after the swap: the new one, whole
                contents[now] = new_ids
            with store.build_lock(root):  # nobody holds the lock any more
                pass
        again = cli("build", "--jobs", "2", "--index", str(root), str(new_source))
        out, err = again.communicate(timeout=300)
        assert (again.returncode, out.split(" in ")[0]) == (0, "indexed 300, replaced 0, rejected 0"), err
        assert not list(root.glob(".building-*")), "leftovers of the killed builds were not swept"
        assert len(list(root.glob("gen-*"))) <= 1 + store.KEEP_OLD
        time.sleep(1.1)
        assert set(_all_ids(service)) == new_ids
    finally:
        service.close()


def test_a_build_whose_main_process_alone_is_killed_leaves_no_lock_for_long(tmp_path):
    root = build_index(tmp_path, OLD[:10])
    before = store.current_generation(root)
    source = write_jsonl(tmp_path / "big.jsonl", news("lon", 6000))  # still building when killed
    with open(tmp_path / "stderr.txt", "w") as stderr:  # orphaned workers complain there
        args = ("build", "--jobs", "2", "--index", str(root), str(source))
        build = subprocess.Popen([sys.executable, "-m", "indexer", *args], cwd=PROJECT, start_new_session=True,
                                 env=_private_tmp(args), stdout=subprocess.DEVNULL, stderr=stderr)
        try:
            deadline = time.monotonic() + 60
            while not list(root.glob(".building-*")) and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(1.0)  # the workers are analysing
            os.kill(build.pid, signal.SIGKILL)  # as the OOM killer would: the main process only
            assert build.wait(timeout=30) == -signal.SIGKILL
            freed = time.monotonic() + 15
            while True:
                try:
                    with store.build_lock(root):
                        break
                except store.BuildLocked:
                    assert time.monotonic() < freed, "the lock is still held 15 s after the build was killed"
                    time.sleep(0.2)
        finally:
            try:
                os.killpg(build.pid, signal.SIGKILL)  # any worker still alive
            except ProcessLookupError:
                pass
    assert store.current_generation(root) == before
    report = building.build(root, [str(write_jsonl(tmp_path / "next.jsonl", OLD[:12]))], jobs=1)
    assert report.indexed == 12 and not list(root.glob(".building-*"))


# --- two builds at once ------------------------------------------------------------------------------------------

def test_a_second_build_or_add_while_one_runs_stops_with_a_clear_message(tmp_path):
    root = build_index(tmp_path, OLD[:10])
    first_records = news("mot", 3000)  # about 6 s with one worker: the lock is held while the others try
    first = cli("build", "--jobs", "1", "--index", str(root), str(write_jsonl(tmp_path / "one.jsonl", first_records)))
    try:
        deadline = time.monotonic() + 60
        while not list(root.glob(".building-*")) and time.monotonic() < deadline:  # it holds the lock
            time.sleep(0.05)
        assert list(root.glob(".building-*")), first.communicate()
        second_source = write_jsonl(tmp_path / "two.jsonl", news("hai", 5))
        message = f"error: another build or add is running on {root}; try again when it ends\n"
        for command in ("build", "add"):
            second = cli(command, "--jobs", "1", "--index", str(root), str(second_source))
            out, err = second.communicate(timeout=60)
            assert (second.returncode, out, err) == (1, "", message), command
            assert first.poll() is None, "the first build ended before the second one was tried"
        out, err = first.communicate(timeout=300)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    assert (first.returncode, out.split(" in ")[0]) == (0, "indexed 3,000, replaced 0, rejected 0"), err
    service = SearchService(root)
    try:
        assert set(_all_ids(service)) == {a["id"] for a in first_records}
    finally:
        service.close()
    assert not list(root.glob(".building-*"))


# --- a missing, empty or corrupt index: a clear 503, then recovery without a restart ---------------------------

def _empty_generation(root: Path) -> None:
    (root / "gen-empty").mkdir(parents=True)
    (root / "current").symlink_to("gen-empty")


def _dangling(root: Path) -> None:
    root.mkdir(parents=True)
    (root / "current").symlink_to("gen-gone")


def _garbage(root: Path) -> None:
    _empty_generation(root)
    (root / "gen-empty" / "_MAIN_1.toc").write_bytes(os.urandom(64))


def _truncated(good: Path):
    def make(root: Path) -> None:
        shutil.copytree(good, root, symlinks=True)
        for path in store.current_generation(root).iterdir():
            if path.is_file() and path.stat().st_size:
                path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return make


def _vocabulary_cut(good: Path):
    def make(root: Path) -> None:
        shutil.copytree(good, root, symlinks=True)
        vocabulary = store.current_generation(root) / FILE
        vocabulary.write_bytes(vocabulary.read_bytes()[:100])  # as a reader would find it mid-write
    return make


def _stored_cut(good: Path):
    def make(root: Path) -> None:
        shutil.copytree(good, root, symlinks=True)
        stored = next(store.current_generation(root).glob("*._stored.col"))
        stored.write_bytes(stored.read_bytes()[: stored.stat().st_size // 2])  # the articles shown, not the postings
    return make


@pytest.fixture(scope="module")
def good_index(tmp_path_factory):
    return build_index(tmp_path_factory.mktemp("good"), OLD[:12])


BROKEN = {
    "missing": lambda good: (lambda root: None),
    "empty directory": lambda good: (lambda root: root.mkdir()),
    "dangling current": lambda good: _dangling,
    "empty generation": lambda good: _empty_generation,
    "garbage table of contents": lambda good: _garbage,
    "every file cut in half": _truncated,
    "vocabulary cut short": _vocabulary_cut,
    "stored articles cut short": _stored_cut,
}


@pytest.mark.parametrize("kind", BROKEN)
def test_a_broken_index_is_a_503_and_the_server_recovers_by_itself(tmp_path, good_index, kind, caplog):
    root = tmp_path / "index"
    BROKEN[kind](good_index)(root)
    app = create_app({"TESTING": True, "INDEX_DIR": str(root)})
    client = app.test_client()
    try:
        for url in ("/api/search?q=hoi+dam", "/api/articles/cu-1", "/api/search?q=x&country=VN&sort=date"):
            response = client.get(url)
            assert (response.status_code, response.get_json()) == (503, NO_INDEX), url
        for url in ("/?q=hoi+dam", "/articles/cu-1", "/"):
            response = client.get(url)
            html = response.get_data(as_text=True)
            assert (response.status_code, response.mimetype) == (503, "text/html"), url
            assert "Chưa có chỉ mục: chạy <code>make index</code>" in html and "Traceback" not in html
        assert "Traceback" not in caplog.text  # logged as a warning with the reason, not as a crash
        building.build(root, [str(write_jsonl(tmp_path / "fresh.jsonl", OLD[:7]))], jobs=1)
        response = client.get("/api/search?q=hoi+dam")
        assert (response.status_code, response.get_json()["total"]) == (200, 7)
        assert client.get("/api/articles/cu-1").get_json()["id"] == "cu-1"
        assert client.get("/?q=hoi+dam").status_code == 200
    finally:
        app.extensions["search"].close()


def test_an_index_deleted_while_serving_is_a_503_until_rebuilt(tmp_path, good_index):
    root = tmp_path / "index"
    shutil.copytree(good_index, root, symlinks=True)
    app = create_app({"TESTING": True, "INDEX_DIR": str(root)})
    client = app.test_client()
    try:
        assert client.get("/api/search?q=hoi+dam").get_json()["total"] == 12
        shutil.rmtree(root)
        time.sleep(1.1)
        response = client.get("/api/search?q=hoi+dam")
        assert (response.status_code, response.get_json()) == (503, NO_INDEX)
        building.build(root, [str(write_jsonl(tmp_path / "fresh.jsonl", OLD[:5]))], jobs=1)
        assert client.get("/api/search?q=hoi+dam").get_json()["total"] == 5
    finally:
        app.extensions["search"].close()
