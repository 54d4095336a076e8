"""Reading news as JSON Lines (plain, .gz or .xz), one article per line, streamed in constant memory."""
from __future__ import annotations

import codecs
import gzip
import json
import lzma
import re
import unicodedata
import zlib
from datetime import date
from pathlib import Path
from typing import IO, Iterator

from indexer.article import Article, Rejection
from indexer.progress import ByteTracker

MAX_LINE_BYTES = 16 * 1024 * 1024
_OPTIONAL = ("source", "category", "url")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")  # what a "\ud83d" escape without its pair decodes to
# byte-order marks of the encodings a file saved on Windows may come in; UTF-32 LE's begins with UTF-16 LE's
_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
              (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"))


def open_binary(raw: IO[bytes], path: Path) -> IO[bytes]:
    """Wrap a raw file in the decompressor its suffix names."""
    if path.suffix == ".gz":
        return gzip.open(raw, "rb")
    if path.suffix == ".xz":
        return lzma.open(raw, "rb")
    return raw


def read_jsonl(path: Path, tracker: ByteTracker | None = None) -> Iterator[Article | Rejection]:
    """Yield each line's Article, or a Rejection naming the line and what is wrong with it."""
    number = 0
    tracker = tracker or ByteTracker()
    base = tracker.done
    try:
        with open(path, "rb") as raw, open_binary(raw, path) as stream:
            for number, line in enumerate(_lines(stream), start=1):
                tracker.done = base + raw.tell()
                if number == 1:
                    encoding = next((name for bom, name in _WIDE_BOMS if line.startswith(bom)), None)
                    if encoding:
                        yield Rejection(str(path), None, f"the file is {encoding} text, not UTF-8: convert it "
                                                         f"(iconv -f {encoding} -t UTF-8) and index it again")
                        return
                    line = line.removeprefix(codecs.BOM_UTF8)  # a UTF-8 byte-order mark is harmless
                if line.strip():
                    yield _last_line_cut(parse_line(line, str(path), number), line)
    except (OSError, EOFError, lzma.LZMAError, zlib.error) as err:  # zlib.error: a damaged .gz
        yield Rejection(str(path), number + 1 if number else None, f"cannot read the rest of the file: {err}")


def _lines(stream: IO[bytes]) -> Iterator[bytes]:
    """Lines of at most MAX_LINE_BYTES; a longer line is yielded cut, and parse_line rejects it."""
    while True:
        line = stream.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while chunk := stream.readline(MAX_LINE_BYTES):  # skip to the end of the long line
                if chunk.endswith(b"\n"):
                    break
        yield line


def _last_line_cut(record: Article | Rejection, line: bytes) -> Article | Rejection:
    """A bad line without a newline can only be the file's last: say that the file may have been cut short."""
    if (isinstance(record, Rejection) and not line.endswith(b"\n") and len(line) <= MAX_LINE_BYTES
            and record.reason.startswith(("malformed JSON", "not UTF-8"))):
        return Rejection(record.path, record.line,
                         f"the last line has no newline, the file may be cut short: {record.reason}")
    return record


def parse_line(raw: bytes, path: str, number: int) -> Article | Rejection:
    """One JSON line to an Article; every problem becomes a Rejection with a reason a person can act on."""
    def reject(reason: str) -> Rejection:
        return Rejection(path, number, reason)

    if b"\0" in raw:
        return reject("NUL bytes: binary data or UTF-16 text, not a line of UTF-8 JSON")
    if len(raw) > MAX_LINE_BYTES:
        return reject(f"line longer than {MAX_LINE_BYTES:,} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        return reject(f"not UTF-8 (byte {err.start} of the line)")
    try:
        record = json.loads(text)
    except json.JSONDecodeError as err:
        # json's "Unterminated string starting at" and "Invalid control character at" end in "at" already
        return reject(f"malformed JSON: {err.msg.removesuffix(' at')} at column {err.colno}")
    if not isinstance(record, dict):
        return reject("not a JSON object")
    problem = _field_problem(record)
    return reject(problem) if problem else _article(record)


def _field_problem(record: dict) -> str | None:
    for name in ("id", "title", "body"):
        if name not in record:
            return f"missing field '{name}'"
        if not isinstance(record[name], str):
            return f"field '{name}' must be a string, not {type(record[name]).__name__}"
    if not record["id"].strip():
        return "empty id"
    if _LONE_SURROGATE.search(record["id"]):
        return "the id has a lone surrogate escape (\\ud800-\\udfff): not valid Unicode"
    if not record["body"].strip():
        return "no body"
    for name in (*_OPTIONAL, "date"):
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            return f"field '{name}' must be a string or null, not {type(value).__name__}"
    if record.get("date") and not _is_iso_date(record["date"]):
        return f"date {record['date']!r} is not an ISO date (YYYY-MM-DD)"
    return None


def _is_iso_date(value: str) -> bool:
    if not _ISO_DATE.fullmatch(value):  # fromisoformat also takes week dates such as 2025-W01-1
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _nfc(value: str | None) -> str | None:
    """NFC text; a lone surrogate (half of an emoji cut by a scraper) becomes U+FFFD, as bad UTF-8 bytes would."""
    return unicodedata.normalize("NFC", _LONE_SURROGATE.sub("\ufffd", value)).strip() if value else None


def _article(record: dict) -> Article:
    return Article(
        id=record["id"].strip(),
        title=_nfc(record["title"]) or "",
        body=_nfc(record["body"]) or "",
        date=record.get("date") or None,
        **{name: _nfc(record.get(name)) for name in _OPTIONAL},
    )
