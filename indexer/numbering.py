"""Numbering distinct byte strings in order of first appearance, without holding them as Python objects.

A build numbers every term (586,002 on the full corpus) and remembers every article id: as a dict of bytes and a
set of str they were the writing process's largest objects, about 90 MB at the full corpus. Here each string is
known by a 128-bit key, two keyed SipHash values (Python's own `hash` of it, and of it after a line break), held in
sorted NumPy arrays: 20 bytes a string. Keys come from this process only (Python salts `hash` per process). Two
strings get one key with a chance of about n**2 / 2**129, 10**-27 for the full corpus's terms.
"""
from __future__ import annotations

import numpy as np

RECENT = 2**14  # keys held in a dict before they are merged into the sorted arrays
_LOW = 2**64 - 1


class Numbering:
    """Gives each distinct byte string a number, 0, 1, 2, ..., in the order strings are first seen (`add`)."""

    def __init__(self) -> None:
        self._high = np.zeros(0, np.int64)    # sorted; keys sharing it are told apart by `_low`
        self._low = np.zeros(0, np.int64)
        self._numbers = np.zeros(0, np.int32)
        self._recent: dict[int, int] = {}     # 128-bit key -> number, for keys not yet in the arrays

    def __len__(self) -> int:
        return len(self._numbers) + len(self._recent)

    def add(self, strings: list[bytes]) -> np.ndarray:
        """The number of each string; strings not seen before (in this call or an earlier one) get the next ones."""
        high = np.fromiter(map(hash, strings), np.int64, len(strings))
        low = np.fromiter(map(hash, map(b"\n".__add__, strings)), np.int64, len(strings))
        numbers = self._find(high, low)
        for at in np.flatnonzero(numbers < 0).tolist():
            key = (int(high[at]) << 64) | (int(low[at]) & _LOW)
            numbers[at] = self._recent.setdefault(key, len(self))
        if len(self._recent) >= RECENT:
            self._merge()
        return numbers

    def _find(self, high: np.ndarray, low: np.ndarray) -> np.ndarray:
        """Each key's number in the sorted arrays, or -1."""
        at = np.searchsorted(self._high, high)
        numbers = np.full(len(high), -1, np.int32)
        if not len(self._high):
            return numbers
        inside = np.minimum(at, len(self._high) - 1)
        found = (self._high[inside] == high) & (self._low[inside] == low)
        numbers[found] = self._numbers[inside[found]]
        for k in np.flatnonzero(~found & (self._high[inside] == high)).tolist():
            numbers[k] = self._scan(int(at[k]), int(high[k]), int(low[k]))  # one half of two keys is the same
        return numbers

    def _scan(self, at: int, high: int, low: int) -> int:
        while at < len(self._high) and self._high[at] == high:
            if self._low[at] == low:
                return int(self._numbers[at])
            at += 1
        return -1

    def _merge(self) -> None:
        """The recent keys inserted into the sorted arrays in place of a sort of the whole: at the full corpus's
        terms the arrays take 12 MB, and a sort's copies of them were the writing process's peak."""
        keys = list(self._recent)
        high = np.array([key >> 64 for key in keys], np.int64)
        order = np.argsort(high, kind="stable")
        low = np.array([key & _LOW for key in keys], np.uint64).view(np.int64)[order]
        numbers = np.fromiter(self._recent.values(), np.int32, len(keys))[order]
        self._recent = {}
        at = np.searchsorted(self._high, high[order])
        self._high = np.insert(self._high, at, high[order])
        self._low = np.insert(self._low, at, low)
        self._numbers = np.insert(self._numbers, at, numbers)
