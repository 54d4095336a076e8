"""Baselines the benchmark measures beside ours: plain Whoosh and tantivy, both with accent folding and nothing more.

Each baseline module has `build(source, index_dir)` and a `Searcher(index_dir)` whose `search(request)` takes a request
dict like those of `bench.queries` (`q`, optional `country`, `from`, `to` as YYYY-MM-DD) and returns
`{"total": int, "hits": [{"id", "title", "snippet"}] (at most 10), "facets": {"countries": {code: n}, "months": {..}}}`.
Both read the articles with the project's reader and take country codes from the project's extractor at build time,
so they index the same articles with the same fields as ours; that extraction is part of their build time.
"""
from __future__ import annotations

import shutil
import unicodedata
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:
    from indexer.article import Article

SYSTEMS = ("whoosh", "tantivy")
TOP = 10
UNDATED = "undated"
MARKER = "BASELINE"  # names the kind of index a directory holds, so a rebuild never deletes anything else


def _fold_table() -> dict[int, str]:
    """Each Latin letter with diacritics to its base letter (đ → d too: Unicode does not decompose it)."""
    table = {ord("đ"): "d", ord("Đ"): "D"}
    for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        base = unicodedata.normalize("NFD", chr(code))[0]
        if base != chr(code) and base.isascii() and base.isalpha():
            table[code] = base
    return table


_FOLD = _fold_table()


def fold(text: str) -> str:
    """Accents dropped, đ → d ("Đà Nẵng" → "Da Nang"), case kept: the same letters as Whoosh's accent_map gives for
    Vietnamese, but without importing Whoosh. Every character maps to exactly one, so the folded text has the
    original's length and a character offset into one is the same offset into the other."""
    return text.translate(_FOLD)


def articles(source: Path) -> Iterator[tuple[Article, tuple[str, ...]]]:
    """Each readable article of the source with its country codes, as our build sees them (rejected lines skipped)."""
    from indexer.article import Article
    from indexer.mentions import extract_countries
    from indexer.sources import read_sources

    for record in read_sources([source]):
        if isinstance(record, Article):
            yield record, record.countries or tuple(sorted(extract_countries(record.title, record.body)))


def month(article: Article) -> str:
    """The article's YYYY-MM, or "undated"."""
    return article.date[:7] if article.date else UNDATED


def empty() -> dict:
    """The answer to an empty or unparseable query."""
    return {"total": 0, "hits": [], "facets": {"countries": {}, "months": {}}}


def date_bounds(request: dict) -> tuple[date | None, date | None]:
    """The request's `from` and `to` as dates (None when absent); ValueError when one is not YYYY-MM-DD."""
    bounds = tuple(date.fromisoformat(request[k]) if request.get(k) else None for k in ("from", "to"))
    return bounds  # type: ignore[return-value]


def countries_of(request: dict) -> list[str]:
    """The country codes the request filters on: `country` as one code or a list of them."""
    value = request.get("country") or []
    return [value.upper()] if isinstance(value, str) else [c.upper() for c in value]


@contextmanager
def fresh_dir(index_dir: Path, kind: str) -> Iterator[Path]:
    """A new directory to build into, which replaces `index_dir` once the build succeeded.

    An existing `index_dir` is deleted only if it holds a baseline index (its MARKER file) or nothing at all."""
    index_dir = Path(index_dir)
    if index_dir.exists() and any(index_dir.iterdir()) and not (index_dir / MARKER).exists():
        raise FileExistsError(f"{index_dir} is not empty and holds no baseline index: refusing to replace it")
    building = index_dir.with_name(index_dir.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    try:
        yield building
        (building / MARKER).write_text(kind + "\n")
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    shutil.rmtree(index_dir, ignore_errors=True)
    building.rename(index_dir)


def module(system: str):
    """The baseline module for `whoosh` or `tantivy`."""
    if system == "whoosh":
        from bench.baselines import whoosh_plain
        return whoosh_plain
    if system == "tantivy":
        from bench.baselines import tantivy_folded
        return tantivy_folded
    raise ValueError(f"no baseline {system!r}: choose one of {', '.join(SYSTEMS)}")
