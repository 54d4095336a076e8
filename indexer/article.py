"""The article record every reader produces and the index stores."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Article:
    """One news article, text already NFC-normalised; `date` is ISO `YYYY-MM-DD` or None."""

    id: str
    title: str
    body: str
    date: str | None = None
    source: str | None = None
    category: str | None = None
    url: str | None = None
    countries: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Rejection:
    """A news record that could not be read: where it is and why, so the rest can still be indexed."""

    path: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.reason}"
