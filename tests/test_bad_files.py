"""Bad news files: each problem is reported with the file, the line and a reason; memory stays bounded; the rest
of the news is indexed."""
from __future__ import annotations

import gzip
import json
import lzma
import subprocess
import sys
from pathlib import Path

import pytest

from indexer import build as building
from indexer.article import Rejection
from indexer.jsonl import MAX_LINE_BYTES, read_jsonl
from indexer.search import SearchRequest, SearchService
from tests.helpers import article, write_jsonl
from tests.test_security import assert_only_our_markup
from webui import create_app

GOOD = [article("tot-1", "Thủ tướng hội đàm với Tổng thống Pháp", "Hai bên hội đàm tại Paris về hợp tác."),
        article("tot-2", "Mưa lớn ở miền Trung", "Mưa lớn gây ngập ở Quảng Nam và Đà Nẵng.")]
MB = 1024 * 1024


def jsonl_bytes(records: list[dict]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")


# --- each bad file, read on its own ----------------------------------------------------------------------------

def test_a_file_of_nul_bytes_is_one_clear_rejection(tmp_path):
    path = tmp_path / "zeros.jsonl"
    path.write_bytes(b"\0" * (3 * MB))
    assert list(read_jsonl(path)) == [
        Rejection(str(path), 1, "NUL bytes: binary data or UTF-16 text, not a line of UTF-8 JSON")]


def test_a_utf16_file_is_rejected_whole_with_what_to_do(tmp_path):
    path = tmp_path / "windows.jsonl"
    path.write_bytes(jsonl_bytes(GOOD).decode("utf-8").encode("utf-16"))  # with its byte-order mark
    assert list(read_jsonl(path)) == [Rejection(
        str(path), None,
        "the file is UTF-16 text, not UTF-8: convert it (iconv -f UTF-16 -t UTF-8) and index it again")]


def test_utf16_without_a_byte_order_mark_is_rejected_line_by_line(tmp_path):
    path = tmp_path / "windows.jsonl"
    path.write_bytes(jsonl_bytes(GOOD).decode("utf-8").encode("utf-16-be"))
    reason = "NUL bytes: binary data or UTF-16 text, not a line of UTF-8 JSON"
    assert list(read_jsonl(path)) == [Rejection(str(path), 1, reason), Rejection(str(path), 2, reason)]


def test_a_utf8_byte_order_mark_does_not_cost_the_first_article(tmp_path):
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + jsonl_bytes(GOOD))
    assert [record.id for record in read_jsonl(path)] == ["tot-1", "tot-2"]


CUT = jsonl_bytes([article("cut", "Tin bị cắt", "Nội dung cắt đ")])  # ... "body": "Nội dung cắt đ"}\n


@pytest.mark.parametrize("cut_at, reason", [
    (CUT.index(b"Tin"), "malformed JSON: Unterminated string starting at column 24"),
    (CUT.index("đ".encode()) + 1, "not UTF-8 (byte 67 of the line)"),  # between the two bytes of "đ"
])
def test_a_file_cut_in_the_middle_of_a_line_keeps_the_lines_before(tmp_path, cut_at, reason):
    path = tmp_path / "cut.jsonl"
    path.write_bytes(jsonl_bytes(GOOD[:1]) + CUT[:cut_at])
    records = list(read_jsonl(path))
    assert [r.id for r in records[:1]] == ["tot-1"]
    assert records[1:] == [
        Rejection(str(path), 2, f"the last line has no newline, the file may be cut short: {reason}")]


@pytest.mark.parametrize("suffix, compress", [(".jsonl.gz", gzip.compress), (".jsonl.xz", lzma.compress)])
def test_a_compressed_file_cut_short_keeps_what_could_be_read(tmp_path, suffix, compress):
    whole = compress(jsonl_bytes([article(f"a{i}", f"Tin {i}", f"Nội dung {i} " * 50) for i in range(200)]))
    path = tmp_path / f"cut{suffix}"
    path.write_bytes(whole[: len(whole) // 2])
    records = list(read_jsonl(path))
    read = [r for r in records if not isinstance(r, Rejection)]
    assert 0 < len(read) < 200 and [r.id for r in read] == [f"a{i}" for i in range(len(read))]
    assert records[len(read):] == [Rejection(
        str(path), len(read) + 1,
        "cannot read the rest of the file: Compressed file ended before the end-of-stream marker was reached")]


def test_lone_surrogate_escapes_are_replaced_in_text_and_rejected_in_ids(tmp_path):
    path = tmp_path / "emoji.jsonl"
    path.write_text('{"id": "e1", "title": "Tin \\ud83d cắt", "body": "Nội dung \\ude00 về Việt Nam."}\n'
                    '{"id": "e\\ud83d", "title": "Tin", "body": "Nội dung."}\n', encoding="utf-8")
    first, second = read_jsonl(path)
    assert (first.title, first.body) == ("Tin \ufffd cắt", "Nội dung \ufffd về Việt Nam.")
    assert second == Rejection(str(path), 2, "the id has a lone surrogate escape (\\ud800-\\udfff): not valid Unicode")


def test_dates_other_than_yyyy_mm_dd_are_rejected(tmp_path):
    path = write_jsonl(tmp_path / "dates.jsonl", [article("w", "Tin", "Nội dung.", date="2025-W01-1"),
                                                   article("ok", "Tin", "Nội dung.", date="2025-01-31")])
    first, second = read_jsonl(path)
    assert first == Rejection(str(path), 1, "date '2025-W01-1' is not an ISO date (YYYY-MM-DD)")  # a week date
    assert second.date == "2025-01-31"


# --- the whole build: reported, and the rest indexed -------------------------------------------------------------

def test_a_build_over_every_kind_of_bad_file_indexes_the_good_news(tmp_path):
    sources = tmp_path / "news"
    sources.mkdir()
    (sources / "a-zeros.jsonl").write_bytes(b"\0" * MB)
    (sources / "b-utf16.jsonl").write_bytes(jsonl_bytes(GOOD).decode("utf-8").encode("utf-16"))
    (sources / "c-cut.jsonl").write_bytes(jsonl_bytes(GOOD[:1]) + b'{"id": "cut", "title": "T')
    (sources / "d-surrogate.jsonl").write_text(
        '{"id": "s1", "title": "Tin \\ud83d", "body": "Bão \\udc00 số 3 đổ bộ."}\n', encoding="utf-8")
    (sources / "e-binary.jsonl.gz").write_bytes(b"\x1f\x8b\x08\x00 not really gzip")
    (sources / "f-good.jsonl").write_bytes(jsonl_bytes(GOOD[1:]))
    (sources / "g-notes.docx").write_bytes(b"PK\x03\x04")
    report = building.build(tmp_path / "index", [str(sources)], jobs=1)
    assert (report.indexed, report.replaced) == (3, 0)
    assert [str(r) for r in report.rejected] == [
        f"{sources}/a-zeros.jsonl:1: NUL bytes: binary data or UTF-16 text, not a line of UTF-8 JSON",
        f"{sources}/b-utf16.jsonl: the file is UTF-16 text, not UTF-8: convert it (iconv -f UTF-16 -t UTF-8) "
        "and index it again",
        f"{sources}/c-cut.jsonl:2: the last line has no newline, the file may be cut short: "
        "malformed JSON: Unterminated string starting at column 24",
        f"{sources}/e-binary.jsonl.gz: cannot read the rest of the file: Error -3 while decompressing data: "
        "invalid code lengths set",
        f"{sources}/g-notes.docx: unknown file type: expected .txt (a raw page) or .jsonl[.gz|.xz]",
    ]
    service = SearchService(tmp_path / "index")
    try:
        result = service.search(SearchRequest(sort="date"))
        assert sorted(hit["id"] for hit in result["hits"]) == ["s1", "tot-1", "tot-2"]
        assert service.article("s1")["title"] == "Tin \ufffd"
    finally:
        service.close()


def test_10000_duplicate_ids_keep_the_last_version_and_count_every_replacement(tmp_path):
    records = [article("same", f"Tin bản {i}", f"Nội dung bản {i}.") for i in range(10_000)] + GOOD
    path = write_jsonl(tmp_path / "dups.jsonl", records)
    report = building.build(tmp_path / "index", [str(path)], jobs=2)
    service = SearchService(tmp_path / "index")
    try:
        assert service.article("same")["title"] == "Tin bản 9999"
        assert service.search(SearchRequest())["total"] == 3
    finally:
        service.close()
    # every one of the 9,999 later copies replaced the one before it: the report must say so
    assert (report.indexed, report.replaced, report.rejected) == (3, 9_999, [])


HTML_BODY = ('<p onclick="alert(1)">Thủ tướng hội đàm</p><script>document.title="pwned"</script>'
             '<img src=x onerror="alert(2)"><a href="javascript:alert(3)">link</a>')


def test_an_html_body_is_indexed_as_text_and_shown_escaped(tmp_path):
    path = write_jsonl(tmp_path / "html.jsonl", [
        article("html", '<b onmouseover="alert(4)">Tin HTML</b>', HTML_BODY, url="javascript:alert(5)"), *GOOD])
    report = building.build(tmp_path / "index", [str(path)], jobs=1)
    assert (report.indexed, report.rejected) == (3, [])
    app = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "index")})
    try:
        client = app.test_client()
        found = client.get("/api/search?q=hoi+dam").get_json()
        html_hit = next(hit for hit in found["hits"] if hit["id"] == "html")
        assert html_hit["snippet"] == (
            '&lt;p onclick="alert(1)"&gt;Thủ tướng <mark>hội đàm</mark>&lt;/p&gt;&lt;script&gt;document.title="pwned"'
            '&lt;/script&gt;&lt;img src=x onerror="alert(2)"&gt;&lt;a href="javascript:alert(3)"&gt;link&lt;/a&gt;')
        page = client.get("/articles/html?q=hoi+dam").get_data(as_text=True)
        assert_only_our_markup(page)
        assert "&lt;script&gt;" in page and "Thủ tướng <mark>hội đàm</mark>" in page
        assert "Đọc bài gốc" not in page  # the javascript: url is not linked
        results = client.get("/?q=hoi+dam").get_data(as_text=True)
        assert_only_our_markup(results)
        assert "&lt;b onmouseover=&#34;alert(4)&#34;&gt;Tin HTML&lt;/b&gt;" in results
    finally:
        app.extensions["search"].close()


# --- a 200 MB line: rejected, reading goes on, memory stays bounded ------------------------------------------------

PEAK_RSS = """
import resource, sys
from indexer.cli import main
code = main(sys.argv[1:])
print(f"peak-rss-kb {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", file=sys.stderr)
sys.exit(code)
"""


def build_in_subprocess(root: Path, source: Path) -> tuple[subprocess.CompletedProcess, int]:
    """`python -m indexer build --jobs 1` in its own process; its output and its peak RSS in KiB."""
    done = subprocess.run([sys.executable, "-c", PEAK_RSS, "build", "--jobs", "1", "--index", str(root), str(source)],
                          capture_output=True, text=True, timeout=300, cwd=Path(__file__).resolve().parent.parent)
    peak = int(done.stderr.rsplit("peak-rss-kb ", 1)[1].split()[0])
    return done, peak


def test_a_200_mb_line_is_rejected_in_bounded_memory_and_the_rest_indexed(tmp_path):
    small = tmp_path / "small.jsonl"
    small.write_bytes(jsonl_bytes(GOOD))
    huge = tmp_path / "huge.jsonl"
    with open(huge, "wb") as out:
        out.write(jsonl_bytes(GOOD[:1]))
        out.write(b'{"id": "huge", "title": "Tin rat dai", "body": "')
        chunk = ("Việt Nam hội đàm. " * 4096).encode("utf-8")
        for _ in range(200 * MB // len(chunk) + 1):
            out.write(chunk)
        out.write(b'"}\n')
        out.write(jsonl_bytes(GOOD[1:]))
    try:
        assert huge.stat().st_size > 200 * MB
        baseline, baseline_peak = build_in_subprocess(tmp_path / "small-index", small)
        done, peak = build_in_subprocess(tmp_path / "index", huge)
    finally:
        huge.unlink()
    assert baseline.returncode == done.returncode == 0, done.stderr
    assert f"rejected {huge}:2: line longer than {MAX_LINE_BYTES:,} bytes" in done.stderr.splitlines()
    assert done.stdout.startswith("indexed 2, replaced 0, rejected 1 in ")
    # the reader holds at most one cut line and one chunk of MAX_LINE_BYTES, never the 200 MB
    growth_mb = (peak - baseline_peak) / 1024
    print(f"peak RSS: {baseline_peak / 1024:.0f} MB for 2 articles, {peak / 1024:.0f} MB with the 200 MB line")
    assert growth_mb < 4 * MAX_LINE_BYTES / MB, f"peak RSS grew by {growth_mb:.0f} MB"
    service = SearchService(tmp_path / "index")
    try:
        assert sorted(h["id"] for h in service.search(SearchRequest())["hits"]) == ["tot-1", "tot-2"]
    finally:
        service.close()
