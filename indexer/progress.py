"""Build progress: articles done, rate and time left on a terminal; silent when output is a log."""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import TextIO


@dataclass
class ByteTracker:
    """How many bytes of the sources the readers have consumed, compressed bytes for compressed files."""

    done: int = 0


class Progress:
    """Redraws one status line at most twice a second, only when `stream` is a terminal."""

    def __init__(self, total_bytes: int, tracker: ByteTracker, stream: TextIO | None = None) -> None:
        self.total = max(total_bytes, 1)
        self.tracker = tracker
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.started = time.monotonic()
        self._last = 0.0

    def update(self, articles: int) -> None:
        now = time.monotonic()
        if not self.enabled or now - self._last < 0.5:
            return
        self._last = now
        self.stream.write("\r" + self.line(articles, now - self.started) + "\033[K")
        self.stream.flush()

    def line(self, articles: int, elapsed: float) -> str:
        """"12,345 articles · 1,234/s · 37% · 0:45 left"."""
        fraction = min(self.tracker.done / self.total, 1.0)
        rate = articles / elapsed if elapsed > 0 else 0.0
        left = elapsed * (1 - fraction) / fraction if fraction > 0 else None
        eta = f"{int(left) // 60}:{int(left) % 60:02d} left" if left is not None else "estimating"
        return f"{articles:,} articles · {rate:,.0f}/s · {fraction:.0%} · {eta}"

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()
