import gzip
import json
import lzma

import pytest

from indexer.article import Article, Rejection
from indexer.jsonl import read_jsonl

GOOD = {"id": "a1", "title": "Hội đàm Việt Nam - Nga", "body": "Hai bên hội đàm.", "date": "2025-03-05",
        "source": "Báo A", "category": None, "url": "https://example.vn/a1"}
GOOD_ARTICLE = Article(id="a1", title="Hội đàm Việt Nam - Nga", body="Hai bên hội đàm.", date="2025-03-05",
                       source="Báo A", category=None, url="https://example.vn/a1")


def line(record) -> bytes:
    return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")


@pytest.mark.parametrize("opener, suffix", [(open, ".jsonl"), (gzip.open, ".jsonl.gz"), (lzma.open, ".jsonl.xz")])
def test_reads_plain_and_compressed(tmp_path, opener, suffix):
    path = tmp_path / f"news{suffix}"
    with opener(path, "wb") as out:
        out.write(line(GOOD) + line(GOOD | {"id": "a2", "date": None}))
    assert list(read_jsonl(path)) == [GOOD_ARTICLE, Article(**(vars(GOOD_ARTICLE) | {"id": "a2", "date": None}))]


def test_text_is_normalised_to_nfc(tmp_path):
    path = tmp_path / "n.jsonl"
    path.write_bytes(line(GOOD | {"title": "Ho\u0300a bi\u0300nh"}))  # decomposed accents
    assert [a.title for a in read_jsonl(path)] == ["Hòa bình"]


BAD_LINES = [
    (b"\xff\xfe not utf-8\n", "not UTF-8 (byte 0 of the line)"),
    (b"{not json}\n", "malformed JSON: Expecting property name enclosed in double quotes at column 2"),
    (b"[1, 2]\n", "not a JSON object"),
    (line({"title": "t", "body": "b"}), "missing field 'id'"),
    (line({"id": 7, "title": "t", "body": "b"}), "field 'id' must be a string, not int"),
    (line({"id": "x", "title": "t", "body": "   "}), "no body"),
    (line({"id": " ", "title": "t", "body": "b"}), "empty id"),
    (line({"id": "x", "title": "t", "body": "b", "date": "05/03/2025"}),
     "date '05/03/2025' is not an ISO date (YYYY-MM-DD)"),
    (line({"id": "x", "title": "t", "body": "b", "date": "2025-13-45"}),
     "date '2025-13-45' is not an ISO date (YYYY-MM-DD)"),
    (line({"id": "x", "title": "t", "body": "b", "url": ["a"]}), "field 'url' must be a string or null, not list"),
]


def test_each_bad_line_is_reported_with_its_line_and_the_rest_is_read(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(line(GOOD) + b"".join(raw for raw, _ in BAD_LINES) + b"\n" + line(GOOD | {"id": "last"}))
    records = list(read_jsonl(path))
    expected = [GOOD_ARTICLE] + [Rejection(str(path), n, reason) for n, (_, reason) in enumerate(BAD_LINES, 2)]
    assert records[:-1] == expected
    assert records[-1].id == "last"


def test_a_file_cut_in_the_middle_keeps_what_came_before(tmp_path):
    path = tmp_path / "cut.jsonl.xz"
    whole = lzma.compress(line(GOOD) * 50)
    path.write_bytes(whole[: len(whole) // 2])
    records = list(read_jsonl(path))
    assert isinstance(records[-1], Rejection)
    assert records[-1].reason.startswith("cannot read the rest of the file")
    assert all(r == GOOD_ARTICLE for r in records[:-1])


def test_an_overlong_line_is_rejected_and_reading_goes_on(tmp_path, monkeypatch):
    monkeypatch.setattr("indexer.jsonl.MAX_LINE_BYTES", 1000)
    path = tmp_path / "long.jsonl"
    path.write_bytes(line(GOOD | {"body": "x" * 5000}) + line(GOOD))
    assert list(read_jsonl(path)) == [Rejection(str(path), 1, "line longer than 1,000 bytes"), GOOD_ARTICLE]
