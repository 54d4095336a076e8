import ctypes

from indexer import heap


def test_free_pages_are_given_back_through_glibcs_malloc_trim(monkeypatch):
    calls = []
    monkeypatch.setattr(heap, "_malloc_trim", lambda: calls.append)
    heap.release()
    assert calls == [0]


def test_this_machines_c_library_has_malloc_trim():
    heap._malloc_trim.cache_clear()
    assert heap._malloc_trim() is not None  # Debian's glibc: without it a build keeps every page it ever freed
    heap.release()


def test_a_c_library_without_malloc_trim_is_left_alone(monkeypatch):
    def missing(name):
        raise OSError(f"{name}: cannot open shared object file")

    heap._malloc_trim.cache_clear()
    monkeypatch.setattr(ctypes, "CDLL", missing)
    try:
        assert heap._malloc_trim() is None
        heap.release()
    finally:
        heap._malloc_trim.cache_clear()
