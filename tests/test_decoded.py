import shutil
from contextlib import contextmanager

import numpy as np
import pytest
from whoosh import index as whoosh_index

from indexer import build as building
from indexer import decoded, heap, inversion, store
from indexer.docsets import DocSets
from tests.helpers import article, build_index, whoosh_written_index, write_jsonl

RECORDS = [
    article("a", "Hội đàm Việt Nam - Nga", "Bộ trưởng hai nước hội đàm tại Moskva. Hội đàm kéo dài hai giờ."),
    article("b", "Thủ tướng thăm Uzbekistan", "Thủ tướng Việt Nam thăm chính thức Uzbekistan."),
    article("c", "Giá vàng hôm nay", "Giá vàng trong nước đứng yên, giá vàng thế giới tăng."),
]


def _whoosh_postings(reader) -> dict:
    """Every term of every scorable field of every segment, as Whoosh's own matchers give it."""
    out = {}
    for leaf, _offset in reader.leaf_readers():
        for name, field in leaf.schema.items():
            if field.scorable:
                for text in leaf.field_terms(name):
                    matcher = leaf.postings(name, text)
                    ids = list(matcher.all_ids())
                    matcher = leaf.postings(name, text)
                    rows = []
                    while matcher.is_active():
                        positions = matcher.value_as("positions") if field.format.supports("positions") else None
                        rows.append((matcher.id(), matcher.weight(), positions))
                        matcher.next()
                    out[leaf.segment().segment_id(), name, text] = (ids, rows)
    return out


def _decoded_postings(generation, reader, terms=None, only=None) -> dict:
    """What the decoded files hold for each term (of `terms`, {(segment, field): texts}, else Whoosh's own), in
    every segment or `only` the one with that id."""
    out = {}
    for leaf, _offset in reader.leaf_readers():
        segment_id = leaf.segment().segment_id()
        if only is not None and segment_id != only:
            continue
        segment = decoded.open_segment(generation, leaf)
        for name, field in leaf.schema.items():
            if field.scorable:
                texts = leaf.field_terms(name) if terms is None else terms.get(name, ())
                for text in texts:
                    ids, weights = segment.postings(name, text)
                    with_positions = segment.find_positions(name, text, len(ids))
                    positions = [None] * len(ids)
                    if with_positions is not None:
                        ends = np.cumsum(with_positions[1].astype(np.int64))
                        flat = with_positions[2][np.arange(len(with_positions[2]))].tolist()
                        positions = [flat[end - int(w):end] for w, end in zip(with_positions[1], ends)]
                    rows = [(int(d), float(w), p) for d, w, p in zip(ids, weights, positions)]
                    out[segment_id if terms is None else None, name, text] = (ids.tolist(), rows)
    return out


def _reference(tmp_path, records):
    """Whoosh's own postings of the records, and its terms, from an index Whoosh's writer wrote."""
    generation = store.current_generation(whoosh_written_index(tmp_path, records))
    with whoosh_index.open_dir(str(generation)).reader() as reader:
        (leaf, _offset), = reader.leaf_readers()
        whoosh = {(None, name, text): value for (_s, name, text), value in _whoosh_postings(reader).items()}
        assert _decoded_postings(generation, reader) == _whoosh_postings(reader)
        terms = {name: list(leaf.field_terms(name)) for name, field in leaf.schema.items() if field.scorable}
        lengths = {name: [leaf.doc_field_length(d, name) for d in range(leaf.doc_count_all())] for name in terms}
        totals = {name: leaf.field_length(name) for name in terms}
    return whoosh, terms, lengths, totals


def test_a_build_writes_every_posting_whoosh_would(tmp_path):
    whoosh, terms, _lengths, _totals = _reference(tmp_path, RECORDS)
    generation = store.current_generation(build_index(tmp_path, RECORDS))
    with whoosh_index.open_dir(str(generation)).reader() as reader:
        assert _decoded_postings(generation, reader, terms) == whoosh
        (leaf, _offset), = reader.leaf_readers()
        assert list(leaf.field_terms("body")) == []  # Whoosh holds the stored text only
    assert whoosh[None, "body", "hoi"][1] == [(0, 2.0, [4, 8])]  # "hội" is the 5th and 9th syllable
    assert whoosh[None, "body_cw", "hội_đàm"][1] == [(0, 2.0, None)]


def test_a_build_spilling_sorted_runs_writes_the_same_files(tmp_path, monkeypatch):
    records = RECORDS + [article(f"n{i}", f"Tin số {i}", f"Giá vàng {i} hội đàm {i % 3}") for i in range(40)]
    whoosh, terms, _lengths, _totals = _reference(tmp_path, records)
    monkeypatch.setattr(inversion, "RUN_POSTINGS", 7)
    monkeypatch.setattr(inversion, "MERGE_POSTINGS", 5)
    monkeypatch.setattr(building, "BATCH", 2)  # batches of two articles
    generation = store.current_generation(build_index(tmp_path, records))
    with whoosh_index.open_dir(str(generation)).reader() as reader:
        assert _decoded_postings(generation, reader, terms) == whoosh
    assert len(list((tmp_path / "index").rglob("run*"))) == 0


def test_every_term_alone_in_its_merge_range_gives_the_same_files(tmp_path, monkeypatch):
    # big terms are ranges of their own, copied run after run. A later copy of "a" is left out of the build's own
    # segment (the second pass writes it): "alphá", numbered only by it, has no postings there, and sits alone in
    # its range between two big terms ("alpha" and "delta", which "d" has twice)
    d = article("d", "Alpha Alpha", "Delta Delta")
    whoosh, terms, _lengths, _totals = _reference(tmp_path, RECORDS + [d])
    monkeypatch.setattr(inversion, "RUN_POSTINGS", 7)
    monkeypatch.setattr(inversion, "MERGE_POSTINGS", 1)
    generation = store.current_generation(build_index(tmp_path, RECORDS + [article("a", "Alphá", "Gamma"), d]))
    with whoosh_index.open_dir(str(generation)).reader() as reader:
        (built, _offset), (_second, _o) = reader.leaf_readers()
        assert _decoded_postings(generation, reader, terms, only=built.segment().segment_id()) == whoosh
        assert decoded.open_segment(generation, built).postings("title_exact", "alphá")[0].tolist() == []
        assert reader.doc_count() == 4


def test_an_add_decodes_its_segment_and_drops_those_merged_away(tmp_path):
    root = build_index(tmp_path, RECORDS[:1])
    for i, record in enumerate(RECORDS[1:]):
        building.add(root, [str(write_jsonl(tmp_path / f"more{i}.jsonl", [record]))], jobs=1)
    generation = store.current_generation(root)
    with whoosh_index.open_dir(str(generation)).reader() as reader:
        segments = {leaf.segment().segment_id() for leaf, _ in reader.leaf_readers()}
        assert _decoded_postings(generation, reader) == _whoosh_postings(reader)
    assert {p.name for p in generation.glob(decoded.PREFIX + "*")} == {decoded.PREFIX + s for s in segments}


def test_field_lengths_are_whooshs(tmp_path):
    _whoosh, _terms, lengths, totals = _reference(tmp_path, RECORDS)
    generation = store.current_generation(build_index(tmp_path, RECORDS))
    with whoosh_index.open_dir(str(generation)).reader() as reader:
        segment = decoded.open_segment(generation, reader.leaf_readers()[0][0])
        for name in lengths:
            codes = segment.length_codes(name)
            assert codes.dtype == np.uint8 and len(codes) == 3
            assert [decoded_length(c) for c in codes] == lengths[name]
            assert segment.total_length(name) == totals[name]
    assert lengths["title"] == [5, 4, 4] and totals["body_cw"] > 0


def decoded_length(code: int) -> int:
    from whoosh.util.numeric import byte_to_length
    return byte_to_length(int(code))


def test_damaged_or_foreign_files_are_not_used_and_postings_come_from_whoosh(tmp_path):
    root = whoosh_written_index(tmp_path, RECORDS)
    generation = store.current_generation(root)
    directory = next(generation.glob(decoded.PREFIX + "*"))
    with whoosh_index.open_dir(str(generation)).searcher() as searcher:
        expected = DocSets(searcher).postings.get("body", "vang")
        (directory / "docs.npy").write_bytes(b"\x93NUMPY cut")
        leaf = searcher.reader().leaf_readers()[0][0]
        assert decoded.open_segment(generation, leaf) is None
        sets = DocSets(searcher, generation)
        assert [s for _r, _o, s in sets.postings.leaves] == [None]
        assert [a.tolist() for a in sets.postings.get("body", "vang")] == [a.tolist() for a in expected]
        assert expected[0].tolist() == [2] and expected[1].tolist() == [2.0]


@contextmanager
def _first_segment(tmp_path):
    """An index of RECORDS Whoosh's writer wrote, its searcher open, and the decoded files of its first segment."""
    generation = store.current_generation(whoosh_written_index(tmp_path, RECORDS))
    with whoosh_index.open_dir(str(generation)).searcher() as searcher:
        yield searcher, generation, decoded.open_segment(generation, searcher.reader().leaf_readers()[0][0])


def test_a_term_whose_count_disagrees_is_read_from_whoosh(tmp_path):
    with _first_segment(tmp_path) as (_searcher, _generation, segment):
        assert segment.find("body", "viet", 1) is not None
        assert segment.find("body", "viet", 2) is None
        assert segment.find("body", "khong_co", 1) is None


def test_postings_come_from_the_decoded_keys_and_a_missing_term_has_none(tmp_path):
    with _first_segment(tmp_path) as (_searcher, _generation, segment):
        found = {w: segment.postings("body", w) for w in ("hoi", "vang", "khong_co")}
        assert {w: (ids.tolist(), weights.tolist()) for w, (ids, weights) in found.items()} == {
            "hoi": ([0], [2]), "vang": ([2], [2]), "khong_co": ([], [])}
        assert [len(segment.postings("body_exact", w)[0]) for w in ("hội", "vàng", "hoi")] == [1, 1, 0]


def test_two_terms_sharing_a_key_are_read_from_whoosh(tmp_path, monkeypatch):
    real = decoded.key
    shared = {("body", "vang"), ("body", "hoi")}
    monkeypatch.setattr(decoded, "key", lambda name, text: 7 if (name, text) in shared else real(name, text))
    with _first_segment(tmp_path) as (searcher, generation, segment):
        assert segment.postings("body", "vang") is None and segment.postings("body", "hoi") is None
        assert len(segment.postings("body", "gia")[0]) == 1
        postings = DocSets(searcher, generation).postings
        assert [(a.tolist(), w.tolist()) for a, w in (postings.get("body", t) for t in ("vang", "hoi"))] == [
            ([2], [2.0]), ([0], [2.0])]
        leaf = searcher.reader().leaf_readers()[0][0]
        assert postings.count(leaf, segment, "body", "vang") == 1 and postings.count(leaf, segment, "body", "gia") == 1


def test_weights_that_are_not_small_integers_are_kept_as_floats(tmp_path):
    out = tmp_path / "w.npy"
    with open(out, "wb") as raw:
        decoded._header(raw, np.float32, 2)
        decoded._write_exact(raw, np.array([1.0, 70000.0], dtype=np.float32), np.float32)
    assert np.load(out).tolist() == [1.0, 70000.0]
    with open(tmp_path / "x", "wb") as raw:
        for values in ([1.0, 70000.0], [1.5]):
            with pytest.raises(decoded._Inexact):
                decoded._write_exact(raw, np.array(values, dtype=np.float32), np.uint16)
    assert (tmp_path / "x").stat().st_size == 0


def test_a_segment_with_deleted_documents_is_decoded_whole(tmp_path):
    # the same id three times: the first two copies are deleted, and their postings stay in the files (as in
    # Whoosh's), for the searcher's bitmap of live documents to mask out
    root = whoosh_written_index(tmp_path, [article("x", f"Tin {i}", f"Nội dung {i}") for i in range(3)])
    generation = store.current_generation(root)
    with whoosh_index.open_dir(str(generation)).reader() as reader:
        leaves = [leaf for leaf, _ in reader.leaf_readers()]
        assert any(leaf.has_deletions() for leaf in leaves)
        for leaf in leaves:
            segment = decoded.open_segment(generation, leaf)
            for text in leaf.field_terms("body"):
                ids, weights = segment.find("body", text, leaf.doc_frequency("body", text))
                assert ids.tolist() == [0] and weights.tolist() == [1]
    with whoosh_index.open_dir(str(generation)).searcher() as searcher:
        sets = DocSets(searcher, generation)
        assert [sets.term("body", w).bit_count() for w in ("0", "1", "2", "noi")] == [0, 0, 1, 1]


def test_the_service_reopens_once_a_segment_read_from_whoosh_has_been_decoded(tmp_path, monkeypatch):
    from indexer import search
    from indexer.search import SearchRequest, SearchService

    monkeypatch.setattr(search, "RECHECK_SECONDS", 0.0)
    root = whoosh_written_index(tmp_path, RECORDS)
    generation = store.current_generation(root)
    for directory in generation.glob(decoded.PREFIX + "*"):  # as if the server opened it between commit and decode
        shutil.rmtree(directory)
    service = SearchService(root)
    first = service.search(SearchRequest(q="hoi dam"))
    leaves = service._opened.docsets.postings.leaves
    assert [segment for _r, _o, segment in leaves] == [None]
    assert service.search(SearchRequest(q="hoi dam")) == first and service._opened.docsets.postings.leaves is leaves
    decoded.save(generation)
    assert service.search(SearchRequest(q="hoi dam")) == first
    assert [segment is not None for _r, _o, segment in service._opened.docsets.postings.leaves] == [True]
    service.close()


def test_terms_of_a_build_sharing_a_key_are_told_apart_by_their_text(tmp_path, monkeypatch):
    real = decoded._key
    shared = {b"body\0vang", b"body\0hoi"}
    monkeypatch.setattr(decoded, "_key", lambda term: 7 if term in shared else real(term))
    generation = store.current_generation(build_index(tmp_path, RECORDS))
    with whoosh_index.open_dir(str(generation)).searcher() as searcher:
        segment = decoded.open_segment(generation, searcher.reader().leaf_readers()[0][0])
        found = {w: segment.postings("body", w) for w in ("vang", "hoi", "gia", "khong_co")}
        assert {w: (ids.tolist(), weights.tolist()) for w, (ids, weights) in found.items()} == {
            "vang": ([2], [2]), "hoi": ([0], [2]), "gia": ([2], [2]), "khong_co": ([], [])}
        shared.add(b"body\0khong_co")  # a term the segment does not have, with the same key as two it has
        assert len(segment.postings("body", "khong_co")[0]) == 0


def test_a_build_whose_postings_are_damaged_is_not_served(tmp_path):
    from indexer.search import IndexUnavailable, SearchRequest, SearchService

    root = build_index(tmp_path, RECORDS)
    directory = next(store.current_generation(root).glob(decoded.PREFIX + "*"))
    (directory / "docs.npy").write_bytes(b"\x93NUMPY cut")
    service = SearchService(root)
    with pytest.raises(IndexUnavailable, match=r"postings of .*decoded-.* are missing or damaged.*make index"):
        service.search(SearchRequest(q="vang"))
    shutil.rmtree(directory)
    with pytest.raises(IndexUnavailable, match="missing or damaged"):
        service.search(SearchRequest(q="vang"))


# two partitions of terms, as a build writes them; "a" and "d" have a gap of GAP_LIMIT or more; "c" has two gaps of
# 256 or more, whose high bytes are kept apart, and "e" one, in the second partition
GAPPED = {"body\0a": [0, 5, 70000, 70001], "body\0b": [3], "body\0c": [1, 2, 65537, 65800],
          "body\0d": [10, 65546], "body\0e": [7, 263, 264]}


def _write_gapped(directory) -> decoded.Segment:
    terms, counts = list(GAPPED), np.array([len(v) for v in GAPPED.values()])
    with decoded.IdsWriter(directory, int(counts.sum()), len(terms)) as writer:
        writer.write(np.array([0, 1]), counts[:2], np.array(GAPPED["body\0a"] + GAPPED["body\0b"]))
        writer.write(np.array([2, 3, 4]), counts[2:], np.array([d for t in terms[2:] for d in GAPPED[t]]))
    with decoded.ArrayWriter(directory / "weights.npy", np.uint8, int(counts.sum())) as weights:
        weights.write(np.ones(int(counts.sum())))
    np.save(directory / "positions.npy", np.zeros(0, np.uint16))
    decoded.save_terms(directory, decoded.TermTable.of([t.encode() for t in terms]), counts,
                       np.full(len(terms), -1), writer)
    return decoded.Segment(directory)


def _ids_of(segment: decoded.Segment) -> dict:
    return {t: segment.postings("body", t.split("\0")[1])[0].tolist() for t in GAPPED}


def test_ids_are_stored_as_gaps_and_terms_with_a_wide_gap_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(decoded, "JOINED_TERMS", 3)  # the term table written in two parts
    segment = _write_gapped(tmp_path)
    assert _ids_of(segment) == GAPPED
    assert segment.postings("body", "f")[0].tolist() == []
    # gaps of c: 1, 65535 (255 + 255 * 256), 263 (7 + 256); of e: 256 (0 + 256), 1
    assert np.load(tmp_path / "gaps.npy").tolist() == [0, 0, 0, 0, 0, 0, 1, 255, 7, 0, 0, 0, 0, 1]
    assert np.load(tmp_path / "gaps.npy").dtype == np.uint8
    assert np.load(tmp_path / "high_at.npy").tolist() == [7, 8, 12]
    assert np.load(tmp_path / "high.npy").tolist() == [255, 1, 1]
    assert np.load(tmp_path / "wide_ids.npy").tolist() == [0, 5, 70000, 70001, 10, 65546]


def test_gaps_written_in_two_bytes_by_an_earlier_version_are_read(tmp_path):
    _write_gapped(tmp_path)
    gaps = np.load(tmp_path / "gaps.npy").astype(np.uint16)
    gaps[np.load(tmp_path / "high_at.npy")] += np.load(tmp_path / "high.npy").astype(np.uint16) << 8
    np.save(tmp_path / "gaps.npy", gaps)
    for name in ("high_at", "high"):
        (tmp_path / f"{name}.npy").unlink()
    assert _ids_of(decoded.Segment(tmp_path)) == GAPPED


def test_ids_written_whole_by_an_earlier_version_are_read(tmp_path):
    with _first_segment(tmp_path) as (_searcher, _generation, segment):
        expected = {t: segment.postings("body", t)[0].tolist() for t in ("vang", "hoi", "gia", "nga")}
        directory = segment.directory
    ids = np.concatenate([decoded.Segment(directory)._ids(at, int(start), int(count)) for at, (start, count)
                          in sorted(enumerate(zip(segment.starts, segment.counts)), key=lambda item: item[1][0])])
    np.save(directory / "ids.npy", ids.astype(np.int32))
    for name in ("gaps", "firsts", "wide_starts", "wide_ids", "high_at", "high"):
        (directory / f"{name}.npy").unlink()
    old = decoded.Segment(directory)
    assert {t: old.postings("body", t)[0].tolist() for t in expected} == expected
    assert old.postings("body", "vang")[0].dtype == np.int32 and expected["vang"]



@pytest.mark.parametrize("repeats, weight_type", [(255, np.uint8), (256, np.uint16)])
def test_weights_take_the_smallest_type_that_holds_them(tmp_path, repeats, weight_type):
    records = RECORDS + [article("r", "Vàng", " ".join(["vàng"] * repeats))]
    whoosh, terms, _lengths, _totals = _reference(tmp_path, records)
    generation = store.current_generation(build_index(tmp_path, records))
    with whoosh_index.open_dir(str(generation)).reader() as reader:
        assert _decoded_postings(generation, reader, terms) == whoosh
        (leaf, _offset), = reader.leaf_readers()
        assert np.load(decoded.path_of(generation, leaf) / "weight_high.npy").dtype == weight_type
    assert whoosh[None, "body", "vang"][1][-1][:2] == (3, float(repeats))


@pytest.mark.parametrize("first_nibble", [0, 1])
def test_weights_two_to_a_byte_read_back_from_any_posting(tmp_path, first_nibble):
    rng = np.random.default_rng(5)
    values = rng.choice([1, 1, 1, 2, 3, 14, 15, 16, 200, 1000], size=1001).astype(np.uint16)
    with decoded.WeightsWriter(tmp_path, len(values), np.uint16) as writer:
        at = 0
        for size in (first_nibble, 1, 2, 3, 7, 500, 1, len(values)):  # odd sizes leave half a byte to carry
            writer.write(values[at:at + size])
            at += size
    assert np.load(tmp_path / "weight_nibbles.npy").nbytes == 501
    assert np.load(tmp_path / "weight_high.npy").tolist() == values[values >= 15].tolist()
    segment = object.__new__(decoded.Segment)
    segment.nibbles, segment.weight_at, segment.weight_high = (
        np.load(tmp_path / f"{name}.npy", mmap_mode="r") for name in ("weight_nibbles", "weight_at", "weight_high"))
    for start, count in [(0, 1001), (0, 0), (1, 1), (2, 1), (1, 2), (5, 995), (999, 2), (1000, 1)]:
        assert segment._weights(start, count).tolist() == values[start:start + count].tolist(), (start, count)


def test_a_large_build_merges_in_a_process_of_its_own(tmp_path, monkeypatch):
    records = RECORDS + [article(f"n{i}", f"Tin số {i}", f"Giá vàng {i} hội đàm {i % 3}") for i in range(10)]
    whoosh, terms, _lengths, _totals = _reference(tmp_path, records)
    monkeypatch.setattr(heap, "OWN_PROCESS_DOCS", len(records))
    monkeypatch.setattr(inversion, "RUN_POSTINGS", 7)  # several runs, read back by the new process
    monkeypatch.setattr(inversion, "_write_segment", lambda *_args: pytest.fail("merged in this process"))
    generation = store.current_generation(build_index(tmp_path, records))
    with whoosh_index.open_dir(str(generation)).reader() as reader:
        assert _decoded_postings(generation, reader, terms) == whoosh
    assert not list((tmp_path / "index").rglob(".inversion"))


def test_a_merge_process_that_fails_fails_the_build_with_a_message(tmp_path, monkeypatch):
    monkeypatch.setattr(heap, "OWN_PROCESS_DOCS", 1)
    inverter = inversion.Inverter(tmp_path / "scratch")
    inverter.add(inversion.analyse([("Hội đàm", "Giá vàng tăng")]))
    inverter._spill()
    (tmp_path / "scratch" / "run0" / "doc").unlink()  # the new process cannot read the run back
    with pytest.raises(RuntimeError, match=r"the postings of .*out were not written: its process exited with 1"):
        inverter.finish(tmp_path / "out")
    assert not (tmp_path / "scratch").exists()


def test_term_tables_are_int32_unless_a_value_needs_more():
    assert decoded._narrow(np.array([-1, 0, 2**31 - 1], dtype=np.int64)).dtype == np.int32
    assert decoded._narrow(np.array([-1, 2**31], dtype=np.int64)).tolist() == [-1, 2**31]
    assert decoded._narrow(np.array([-(2**31) - 1], dtype=np.int64)).dtype == np.int64
    assert decoded._narrow(np.zeros(0, dtype=np.int64)).dtype == np.int32


@pytest.mark.parametrize("first_write", [0, 1])
def test_positions_in_twelve_bits_read_back_at_any_indices(tmp_path, first_write):
    rng = np.random.default_rng(11)
    values = rng.choice([0, 1, 7, 255, 256, 4094, 4095, 4096, 70000], size=999).astype(np.int64)
    with decoded.PositionsWriter(tmp_path, len(values)) as writer:
        at = 0
        for size in (first_write, 1, 2, 3, 500, 1, len(values)):  # odd sizes leave a position to carry
            writer.write(values[at:at + size])
            at += size
    assert np.load(tmp_path / "packed_positions.npy").nbytes == 3 * 500
    assert np.load(tmp_path / "position_high.npy").tolist() == values[values >= 4095].tolist()
    segment = object.__new__(decoded.Segment)
    segment.packed, segment.position_at, segment.position_high = (
        np.load(tmp_path / f"{name}.npy", mmap_mode="r") for name in ("packed_positions", "position_at", "position_high"))
    for first, count in [(0, 999), (1, 998), (997, 2), (998, 1), (500, 0)]:
        positions = decoded.PackedPositions(segment, first, count)
        assert len(positions) == count
        assert positions[np.arange(count)].tolist() == values[first:first + count].tolist()
        chosen = np.sort(rng.choice(count, size=min(count, 17), replace=False)) if count else np.zeros(0, np.int64)
        assert positions[chosen].tolist() == values[first + chosen].tolist()
