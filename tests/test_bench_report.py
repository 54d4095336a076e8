"""bench.report: merging old- and new-shape result files, the markdown tables, the targets and the plot."""
from __future__ import annotations

import json

import pytest

from bench import report


def system(build_s: float, per_s: float, peak: int, index_mb: float, median: float, p95: float,
           qps16: float, viet_nam: float | None = None) -> dict:
    """A system's figures in the new shape; viet_nam=None leaves out common_ms."""
    latency = {"median_ms": median, "p95_ms": p95, "p99_ms": p95 * 2, "max_ms": p95 * 3, "n": 300}
    http = {str(c): {"median_ms": median * c, "p95_ms": p95 * c, "p99_ms": p95 * c, "max_ms": p95 * c, "n": 400,
                     "requests": 400, "errors": 0, "qps": qps16} for c in (1, 4, 16, 32)}
    figures = {"build": {"seconds": build_s, "articles_per_s": per_s, "peak_rss_mb_largest_process": peak,
                         "index_mb": index_mb},
               "in_process": latency | {"first_seen": latency, "rss_mb": 700},
               "cold_start_s": 1.5,
               "http": http | {"server_rss_mb": {"after_warm_up": 850.0, "at_end": 900.0}}}
    if viet_nam is not None:
        figures["in_process"]["common_ms"] = {"viet nam": viet_nam, "việt nam": viet_nam}
    return figures


OLD = {"machine": {"python": "3.11.7", "cores": 2, "date": "2026-11-29"}, "queries": 200,
       "runs": [{"articles": 10000, "build": {"seconds": 133.4, "articles_per_s": 74.9},
                 "in_process": {"median_ms": 4.8}, "cold_start_s": 0.82, "http": {}}]}

TANTIVY_50K = system(100.0, 500.0, 600, 125.0, 1.0, 2.0, 900.0, 3.0)
del TANTIVY_50K["http"]
NEW = {"machine": {"python": "3.11.7", "cores": 2, "date": "2026-12-05"}, "queries": 300,
       "runs": [{"articles": 10000, "systems": {"ours": system(100.0, 100.0, 200, 50.0, 5.0, 20.0, 150.0, 40.0),
                                                "whoosh": system(300.0, 33.3, 400, 100.0, 15.0, 60.0, 50.0),
                                                "tantivy": system(20.0, 500.0, 300, 25.0, 0.5, 1.0, 1000.0, 2.0)}},
                {"articles": 50000, "systems": {"ours": system(500.0, 100.0, 800, 250.0, 10.0, 60.0, 120.0, 150.0),
                                                "whoosh": system(1500.0, 33.3, 1600, 500.0, 50.0, 200.0, 20.0),
                                                "tantivy": TANTIVY_50K}}]}

BUILD_TABLE = """\
| Figure | Articles | ours | whoosh | tantivy | whoosh/ours | tantivy/ours |
| --- | --- | ---: | ---: | ---: | ---: | ---: |
| build s | 10,000 | 100.0 | 300.0 | 20.0 | 3.00 | 0.20 |
| build s | 50,000 | 500.0 | 1,500.0 | 100.0 | 3.00 | 0.20 |
| articles/s | 10,000 | 100.0 | 33.3 | 500.0 | 3.00 | 0.20 |
| articles/s | 50,000 | 100.0 | 33.3 | 500.0 | 3.00 | 0.20 |
| peak RSS MB | 10,000 | 200 | 400 | 300 | 2.00 | 1.50 |
| peak RSS MB | 50,000 | 800 | 1,600 | 600 | 2.00 | 0.75 |
| index MB | 10,000 | 50.0 | 100.0 | 25.0 | 2.00 | 0.50 |
| index MB | 50,000 | 250.0 | 500.0 | 125.0 | 2.00 | 0.50 |"""

TARGETS = """\
Checked on ours at 50,000 articles, the largest size present; not measured at the full corpus (172,484).

| Target | Measured | Result |
| --- | --- | --- |
| build ≤ 600 s and peak RSS < 2,048 MB | 500.0 s, peak RSS 800 MB | met |
| warm median ≤ 20 ms | 10.0 ms | met |
| warm p95 ≤ 50 ms | 60.0 ms | not met |
| "viet nam" ≤ 200 ms | 150.0 ms | met |
| cold start < 2 s | 1.50 s | met |
| serving process < 1,024 MB | server at end 900.0 MB, in-process 700 MB | met |
| 16 clients: 0 errors and ≥ 100 q/s | 0 errors, 120.0 q/s | met |"""

@pytest.fixture
def files(tmp_path):
    old, new = tmp_path / "sizes-10000.json", tmp_path / "sizes-10000-50000.json"
    old.write_text(json.dumps(OLD))
    new.write_text(json.dumps(NEW, ensure_ascii=False))
    return old, new


def test_report_merges_files_and_renders_tables_targets_and_plot(files, tmp_path):
    out = tmp_path / "out"
    md_path, png_path = report.write_report([report.load_result(p) for p in files], out)
    md = md_path.read_text(encoding="utf-8")
    assert BUILD_TABLE in md
    assert TARGETS in md
    assert "| 10,000 | ours, whoosh, tantivy | sizes-10000-50000.json | 2026-12-05 | 300 | 3.11.7 | 2 |" in md
    assert "sizes-10000.json |" not in md  # the later file's 10,000 run replaced the old one for every system
    assert '| "viet nam" warm ms | 10,000 | 40.0 | — | 2.0 | — | 0.05 |' in md
    assert "| q/s | 50,000 | 120.0 | 20.0 | — | 6.00 | — |" in md  # tantivy has no http at 50,000
    assert "| errors | 50,000 | 0 | 0 | — | — | — |" in md  # no ratio for error counts
    assert md.rstrip().endswith("![scaling](scaling.png)")
    assert png_path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_later_file_wins_per_system_and_old_shape_counts_as_ours(files):
    old, new = files
    merged = report.merge_results([report.load_result(new), report.load_result(old)])
    assert merged[10000]["ours"][0]["build"]["seconds"] == 133.4
    assert merged[10000]["ours"][1].path == old
    assert merged[10000]["whoosh"][1].path == new
    table = "\n".join(report.metric_table(merged, "Build"))
    assert "| build s | 10,000 | 133.4 | 300.0 | 20.0 | 2.25 | 0.15 |" in table
    assert "| peak RSS MB | 10,000 | — | 400 | 300 | — | — |" in table


def test_default_prefers_newest_new_shape_file_per_size_and_skips_scratch(files, tmp_path):
    old, new = files
    (tmp_path / "scratch-try.json").write_text(json.dumps(NEW | {"machine": {"date": "2027-01-01"}}))
    (tmp_path / "sizes-2000.json").write_text(json.dumps(OLD | {"runs": [OLD["runs"][0] | {"articles": 2000}]}))
    (tmp_path / "broken.json").write_text("{")
    chosen = report.default_results(tmp_path)
    assert [(r.path.name, sorted(r.runs)) for r in chosen] == [("sizes-2000.json", [2000]),
                                                              ("sizes-10000-50000.json", [10000, 50000])]


def test_missing_figures_render_as_dash():
    assert report.target_rows({}) == [
        ("build ≤ 600 s and peak RSS < 2,048 MB", "—, peak RSS —", "—"),
        ("warm median ≤ 20 ms", "—", "—"),
        ("warm p95 ≤ 50 ms", "—", "—"),
        ('"viet nam" ≤ 200 ms', "—", "—"),
        ("cold start < 2 s", "—", "—"),
        ("serving process < 1,024 MB", "server at end —, in-process —", "—"),
        ("16 clients: 0 errors and ≥ 100 q/s", "—, —", "—"),
    ]
    # one measured figure already failing decides the row even when the other is missing
    assert report.target_rows({"build": {"seconds": 700}})[0] == (
        "build ≤ 600 s and peak RSS < 2,048 MB", "700.0 s, peak RSS —", "not met")
    merged = report.merge_results([report.Result(report.RESULTS / "x.json", runs={10000: {"ours": {}}})])
    assert "| build s | 10,000 | — |" in report.metric_table(merged, "Build")
    assert "| 10,000 | ours | x.json | — | — | — | — |" in report.how_run_section(merged)
