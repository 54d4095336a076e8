"""Whoosh's codec with the stored fields compressed by zstd, with a dictionary trained on the segment's first articles.

Whoosh compresses each document's stored fields on their own with zlib: a news article of 3.4 KB takes 0.45 of its
size so, against 0.30 with zstd and a dictionary of the words articles share. A segment's codec is pickled in the
index's table of contents, so segments written before this one (Whoosh's codec) are still read as they were.
"""
from __future__ import annotations

import struct
from pickle import dumps, loads

from whoosh import columns
from whoosh.codec import whoosh3

LEVEL = 6  # as fast as zlib's level 3 on articles, 0.30 of their size against 0.29 at level 9 (half the speed)
DICTIONARY_BYTES = 112_640  # zstd's default size; 64 KB gave 0.305
TRAIN_DOCS = 1000  # about 3.4 MB of articles; the dictionary trains in 0.4 s
SAMPLE_PER_DICTIONARY_BYTE = 30  # a smaller segment (an add) gets a smaller dictionary, none under MIN_DICTIONARY
MIN_DICTIONARY = 4096
_TRAILER = struct.Struct("<QQQ")  # where the dictionary starts, its length, where the offsets start


class Codec(whoosh3.W3Codec):
    """W3Codec, but for the column of stored fields."""

    def per_document_writer(self, storage, segment):
        return _PerDocWriter(self, storage, segment)

    def per_document_reader(self, storage, segment):
        return _PerDocReader(storage, segment)


class _PerDocWriter(whoosh3.W3PerDocWriter):
    def _create_column(self, fieldname, column):
        super()._create_column(fieldname, STORED if fieldname == "_stored" else column)


class _PerDocReader(whoosh3.W3PerDocReader):
    def stored_fields(self, docnum):
        return self._cached_reader("_stored", STORED)[docnum] or {}


class StoredColumn(columns.Column):
    """Each document's stored fields pickled and compressed on its own (a hit is read without its neighbours).
    Layout: the documents, the dictionary, the offsets of the documents (uint64, one more than there are), and
    a trailer of three uint64."""

    class Writer(columns.ColumnWriter):
        def __init__(self, dbfile) -> None:
            super().__init__(dbfile)
            self._pending: list[bytes] = []
            self._offsets = [0]
            self._compress = None
            self._dictionary = b""

        def add(self, docnum: int, value) -> None:
            self._fill(docnum)
            self._pending.append(b"" if value is None else dumps(value, 2))
            self._count = docnum + 1
            if self._compress is not None:
                self._flush()
            elif len(self._pending) >= TRAIN_DOCS:
                self._start()

        def finish(self, doccount: int) -> None:
            if self._compress is None:
                self._start()
            self._fill(doccount)
            self._flush()
            dbfile, at = self._dbfile, self._offsets[-1]
            dbfile.write(self._dictionary)
            dbfile.write(struct.pack(f"<{len(self._offsets)}Q", *self._offsets))
            dbfile.write(_TRAILER.pack(at, len(self._dictionary), at + len(self._dictionary)))

        def _fill(self, docnum: int) -> None:
            """Empty values for the documents before `docnum` that stored nothing (Whoosh skips them)."""
            self._pending.extend(b"" for _ in range(docnum - self._count))
            self._count = max(self._count, docnum)

        def _start(self) -> None:
            """Train the dictionary on the documents so far, and compress them and every one after with it."""
            import zstandard

            samples = [value for value in self._pending if value]
            size = min(DICTIONARY_BYTES, sum(map(len, samples)) // SAMPLE_PER_DICTIONARY_BYTE)
            if size >= MIN_DICTIONARY:
                try:
                    self._dictionary = zstandard.train_dictionary(size, samples).as_bytes()
                except zstandard.ZstdError:  # samples too alike or too few to learn from: compressed without
                    self._dictionary = b""
            self._compress = _compressor(self._dictionary).compress
            self._flush()

        def _flush(self) -> None:
            for value in self._pending:
                packed = self._compress(value) if value else b""
                self._dbfile.write(packed)
                self._offsets.append(self._offsets[-1] + len(packed))
            self._pending.clear()

    class Reader(columns.ColumnReader):
        def __init__(self, dbfile, basepos: int, length: int, doccount: int) -> None:
            super().__init__(dbfile, basepos, length, doccount)
            self._basepos, self._doccount = basepos, doccount
            if length < _TRAILER.size:
                raise ValueError(f"the stored fields' column is damaged ({length} bytes)")
            at, size, self._offsets_at = _TRAILER.unpack(dbfile.get(basepos + length - _TRAILER.size, _TRAILER.size))
            if at + size != self._offsets_at or self._offsets_at + 8 * (doccount + 1) + _TRAILER.size != length:
                raise ValueError(f"the stored fields' column is damaged ({length} bytes, not what its trailer says)")
            self._decompress = _decompressor(dbfile.get(basepos + at, size) if size else b"").decompress

        def __getitem__(self, docnum: int):
            if not 0 <= docnum < self._doccount:
                raise IndexError(f"document {docnum} of {self._doccount}")
            start, end = struct.unpack("<QQ", self._dbfile.get(self._basepos + self._offsets_at + 8 * docnum, 16))
            if start == end:
                return None
            return loads(self._decompress(self._dbfile.get(self._basepos + start, end - start)))

        def __iter__(self):
            return (self[docnum] for docnum in range(self._doccount))


STORED = StoredColumn()


def check_stored(reader) -> None:
    """Open the stored fields' column of each segment written with this codec: a damaged one raises ValueError here,
    when the index is opened, rather than in the middle of a search."""
    for leaf, _offset in reader.leaf_readers():
        perdoc = getattr(leaf, "_perdoc", None)
        if isinstance(perdoc, _PerDocReader) and leaf.doc_count_all():
            perdoc._cached_reader("_stored", STORED)


def _compressor(dictionary: bytes):
    import zstandard

    data = zstandard.ZstdCompressionDict(dictionary) if dictionary else None
    return zstandard.ZstdCompressor(level=LEVEL, dict_data=data, write_content_size=True, write_checksum=False)


def _decompressor(dictionary: bytes):
    import zstandard

    return zstandard.ZstdDecompressor(dict_data=zstandard.ZstdCompressionDict(dictionary) if dictionary else None)
