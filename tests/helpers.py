"""Small builders the indexer tests share: JSONL fixtures in a temp directory, and indexes built from them."""
from __future__ import annotations

import json
from pathlib import Path

from indexer.build import add, build


def write_jsonl(path: Path, records: list[dict]) -> Path:
    """Write records as JSON Lines (UTF-8) and return the path."""
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def build_index(tmp_path: Path, records: list[dict], name: str = "index") -> Path:
    """Build an index of these records with one process and return its root directory."""
    root = tmp_path / name
    build(root, [str(write_jsonl(tmp_path / f"{name}.jsonl", records))], jobs=1)
    return root


def article(id: str, title: str, body: str, **extra) -> dict:
    """One JSONL record."""
    return {"id": id, "title": title, "body": body, **extra}


def whoosh_written_index(tmp_path: Path, records: list[dict], name: str = "whoosh") -> Path:
    """An index of these records whose postings Whoosh's writer wrote (an add to an empty build), decoded after:
    the reference a build's own postings are compared with, and an index as the code before them wrote it."""
    root = tmp_path / name
    build(root, [str(write_jsonl(tmp_path / f"{name}-empty.jsonl", []))], jobs=1)
    add(root, [str(write_jsonl(tmp_path / f"{name}.jsonl", records))], jobs=1)
    return root
