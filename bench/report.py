"""`python -m bench.report [RESULT_JSON ...]`: merge benchmark results into bench/results/REPORT.md and scaling.png.

Without arguments it reads every bench/results/*.json except scratch-*.json and keeps, for each article count,
the newest file that has the per-system shape (else the newest older-shape file). Named files are merged in the
order given: a later file's run for the same article count and system wins.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

RESULTS = Path(__file__).resolve().parent / "results"
FULL_CORPUS = 172_484
SYSTEMS = ("ours", "whoosh", "tantivy")
DASH = "—"
CONVENTION = ("Ratio columns are their figure ÷ ours (for throughput, articles/s and q/s: ours ÷ theirs), "
              "so > 1 means ours is faster, smaller or serves more.")


@dataclass
class Result:
    """One result file: where it came from, how it was run, and its runs as {articles: {system: figures}}."""
    path: Path
    machine: dict = field(default_factory=dict)
    queries: Any = None
    new_shape: bool = False
    runs: dict[int, dict[str, dict]] = field(default_factory=dict)

    @property
    def date(self) -> str:
        return str(self.machine.get("date") or DASH)


# (group, label, path into a system's figures, decimals, higher is better or None for no ratio)
Metric = tuple[str, str, tuple, int, bool | None]
METRICS: list[Metric] = [
    ("Build", "build s", ("build", "seconds"), 1, False),
    ("Build", "articles/s", ("build", "articles_per_s"), 1, True),
    ("Build", "peak RSS MB", ("build", "peak_rss_mb_largest_process"), 0, False),
    ("Build", "index MB", ("build", "index_mb"), 1, False),
    ("In-process queries", "warm median ms", ("in_process", "median_ms"), 1, False),
    ("In-process queries", "warm p95 ms", ("in_process", "p95_ms"), 1, False),
    ("In-process queries", "warm p99 ms", ("in_process", "p99_ms"), 1, False),
    ("In-process queries", "warm max ms", ("in_process", "max_ms"), 1, False),
    ("In-process queries", "first-seen median ms", ("in_process", "first_seen", "median_ms"), 1, False),
    ("In-process queries", "first-seen p95 ms", ("in_process", "first_seen", "p95_ms"), 1, False),
    ("In-process queries", '"viet nam" warm ms', ("in_process", "common_ms", "viet nam"), 1, False),
    ("Start-up and memory", "cold start s", ("cold_start_s",), 2, False),
    ("Start-up and memory", "in-process RSS MB", ("in_process", "rss_mb"), 0, False),
    ("Start-up and memory", "server RSS after warm-up MB", ("http", "server_rss_mb", "after_warm_up"), 1, False),
    ("Start-up and memory", "server RSS at end MB", ("http", "server_rss_mb", "at_end"), 1, False),
    ("Start-up and memory", "server, all processes (PSS) at end MB", ("http", "server_pss_total_mb", "at_end"), 1,
     False),
] + [(f"HTTP, {clients} client{'s' * (clients != '1')}", label, ("http", clients, key), decimals, better)
     for clients in ("1", "4", "16")
     for label, key, decimals, better in (("median ms", "median_ms", 1, False), ("p95 ms", "p95_ms", 1, False),
                                          ("q/s", "qps", 1, True), ("errors", "errors", 0, None))]

Merged = dict[int, dict[str, tuple[dict, Result]]]


def load_result(path: Path) -> Result:
    """Read one result file of either shape; an older-shape run counts as system "ours"."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    runs = data.get("runs") if isinstance(data, dict) else None
    if not isinstance(runs, list):
        raise ValueError(f"{path}: no 'runs' list")
    result = Result(Path(path), data.get("machine") or {}, data.get("queries"))
    for run in runs:
        if not isinstance(run, dict) or not isinstance(run.get("articles"), int):
            continue
        systems = run.get("systems")
        result.new_shape |= isinstance(systems, dict)
        systems = systems if isinstance(systems, dict) else {"ours": run}
        result.runs[run["articles"]] = {name: s for name, s in systems.items() if isinstance(s, dict)}
    return result


def default_results(results_dir: Path = RESULTS) -> list[Result]:
    """Per article count, the newest new-shape file in results_dir (else the newest old-shape one), oldest first."""
    loaded = []
    for path in sorted(results_dir.glob("*.json")):
        if path.name.startswith("scratch-"):
            continue
        try:
            loaded.append(load_result(path))
        except (OSError, ValueError) as error:
            print(f"skipping {path.name}: {error}", file=sys.stderr)
    loaded.sort(key=lambda r: (r.date, r.path.stat().st_mtime, r.path.name))
    chosen: dict[int, Result] = {}
    for result in loaded:  # oldest first, so the last assignment is the newest
        for size in result.runs:
            if result.new_shape or not chosen.get(size, result).new_shape:
                chosen[size] = result
    return [Result(r.path, r.machine, r.queries, r.new_shape, {s: r.runs[s] for s in r.runs if chosen[s] is r})
            for r in loaded if any(chosen[s] is r for s in r.runs)]


def merge_results(results: list[Result]) -> Merged:
    """Merge runs by article count and system; a later result replaces an earlier one's run."""
    merged: Merged = {}
    for result in results:
        for size, systems in result.runs.items():
            for name, figures in systems.items():
                merged.setdefault(size, {})[name] = (figures, result)
    return dict(sorted(merged.items()))


def figure(figures: dict | None, path: tuple) -> float | None:
    """The number at path inside a system's figures, or None when any key is missing or it is not a number."""
    value: Any = figures
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def fmt(value: float | None, decimals: int = 1) -> str:
    """A number with thousands separators and fixed decimals, or "—" when missing."""
    return DASH if value is None else f"{value:,.{decimals}f}"


def ratio(ours: float | None, theirs: float | None, higher_is_better: bool | None) -> str:
    """theirs/ours (ours/theirs for throughput) to two decimals, or "—" when it cannot be computed."""
    if higher_is_better is None or ours is None or theirs is None:
        return DASH
    num, den = (ours, theirs) if higher_is_better else (theirs, ours)
    return DASH if den == 0 else f"{num / den:.2f}"


def systems_present(merged: Merged) -> list[str]:
    """The systems with at least one run: ours, whoosh, tantivy first, then any others by name."""
    names = {name for systems in merged.values() for name in systems}
    return [s for s in SYSTEMS if s in names] + sorted(names - set(SYSTEMS))


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def metric_table(merged: Merged, group: str) -> list[str]:
    """A markdown table for one figure group: a row per figure and article count, a column per system and ratio."""
    systems = systems_present(merged)
    others = [s for s in systems if s != "ours"]
    header = ["Figure", "Articles", *systems, *(f"{s}/ours" for s in others)]
    lines = [_row(header), _row(["---"] * 2 + ["---:"] * (len(header) - 2))]
    for _, label, path, decimals, better in (m for m in METRICS if m[0] == group):
        for size, runs in merged.items():
            values = {s: figure(runs[s][0], path) if s in runs else None for s in systems}
            lines.append(_row([label, f"{size:,}", *(fmt(values[s], decimals) for s in systems),
                               *(ratio(values.get("ours"), values[s], better) for s in others)]))
    return lines


def _measured(*parts: tuple[str, float | None, int, str]) -> str:
    """"server 1,097.6 MB, ..." from (prefix, value, decimals, unit) parts; a missing value is a bare "—"."""
    words = [(prefix, fmt(v, d), unit if v is not None else "") for prefix, v, d, unit in parts]
    return ", ".join(" ".join(filter(None, w)) for w in words)


def _check(*pairs: tuple[float | None, Callable[[float], bool]]) -> str:
    if any(v is not None and not ok(v) for v, ok in pairs):
        return "not met"
    return DASH if any(v is None for v, _ in pairs) else "met"


def target_rows(figures: dict | None) -> list[tuple[str, str, str]]:
    """(target, measured, met / not met / —) for each target, from one system's figures at one size."""
    get = lambda *path: figure(figures, path)  # noqa: E731
    build_s, peak = get("build", "seconds"), get("build", "peak_rss_mb_largest_process")
    median, p95 = get("in_process", "median_ms"), get("in_process", "p95_ms")
    viet_nam, cold = get("in_process", "common_ms", "viet nam"), get("cold_start_s")
    server, in_proc = get("http", "server_rss_mb", "at_end"), get("in_process", "rss_mb")
    errors, qps = get("http", "16", "errors"), get("http", "16", "qps")
    return [
        ("build ≤ 600 s and peak RSS < 2,048 MB", _measured(("", build_s, 1, "s"), ("peak RSS", peak, 0, "MB")),
         _check((build_s, lambda v: v <= 600), (peak, lambda v: v < 2048))),
        ("warm median ≤ 20 ms", _measured(("", median, 1, "ms")), _check((median, lambda v: v <= 20))),
        ("warm p95 ≤ 50 ms", _measured(("", p95, 1, "ms")), _check((p95, lambda v: v <= 50))),
        ('"viet nam" ≤ 200 ms', _measured(("", viet_nam, 1, "ms")), _check((viet_nam, lambda v: v <= 200))),
        ("cold start < 2 s", _measured(("", cold, 2, "s")), _check((cold, lambda v: v < 2))),
        ("serving process < 1,024 MB",
         _measured(("server at end", server, 1, "MB"), ("in-process", in_proc, 0, "MB")),
         _check((server, lambda v: v < 1024), (in_proc, lambda v: v < 1024))),
        ("16 clients: 0 errors and ≥ 100 q/s", _measured(("", errors, 0, "errors"), ("", qps, 1, "q/s")),
         _check((errors, lambda v: v == 0), (qps, lambda v: v >= 100))),
    ]


def targets_section(merged: Merged) -> list[str]:
    """The targets checked on ours at the largest article count present."""
    if not merged:
        return ["No runs."]
    size = max(merged)
    where = f"Checked on ours at {size:,} articles, the largest size present"
    where += "." if size >= FULL_CORPUS else f"; not measured at the full corpus ({FULL_CORPUS:,})."
    ours = merged[size].get("ours", (None,))[0]
    return [where, "", _row(["Target", "Measured", "Result"]), _row(["---"] * 3),
            *(_row(list(row)) for row in target_rows(ours))]


def how_run_section(merged: Merged) -> list[str]:
    """Which file, date, query count and machine each article count's runs came from, and the commands."""
    sizes = ",".join(str(size) for size in merged)
    lines = [f"Command: `make bench` (default size) or `python -m bench --sizes {sizes or 'N,...'}`, "
             "then `python -m bench.report [RESULT_JSON ...]`.", "",
             _row(["Articles", "Systems", "File", "Date", "Queries", "Python", "Cores"]), _row(["---"] * 7)]
    for size, runs in merged.items():
        by_file: dict[Path, tuple[Result, list[str]]] = {}
        for name in systems_present({size: runs}):
            by_file.setdefault(runs[name][1].path, (runs[name][1], []))[1].append(name)
        for result, names in by_file.values():
            machine = result.machine
            lines.append(_row([f"{size:,}", ", ".join(names), result.path.name, result.date,
                               str(result.queries if result.queries is not None else DASH),
                               str(machine.get("python") or DASH), str(machine.get("cores") or DASH)]))
    return lines


def render_report(merged: Merged) -> str:
    """The whole REPORT.md text."""
    lines = ["# Benchmark report", "", "## How it was run", "", *how_run_section(merged), "", "## Figures", "",
             CONVENTION + f' Missing figures are shown as "{DASH}".']
    for group in dict.fromkeys(m[0] for m in METRICS):
        lines += ["", f"### {group}", "", *metric_table(merged, group)]
    lines += ["", "## Targets", "", *targets_section(merged), "", "## Scaling", "", "![scaling](scaling.png)"]
    return "\n".join(lines) + "\n"


def plot_scaling(merged: Merged, path: Path) -> None:
    """Write a 1200×400 PNG: warm latency, build time and HTTP q/s at 16 clients against article count."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import NullLocator

    fig = Figure(figsize=(12, 4), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    colours = dict(zip(SYSTEMS, ("tab:blue", "tab:orange", "tab:green")))
    panels = [("Warm in-process query latency", "ms", [("median", ("in_process", "median_ms"), "-", "o"),
                                                        ("p95", ("in_process", "p95_ms"), "--", "s")]),
              ("Index build time", "seconds", [("", ("build", "seconds"), "-", "o")]),
              ("HTTP throughput, 16 clients", "queries/s", [("", ("http", "16", "qps"), "-", "o")])]
    for ax, (title, unit, series) in zip(fig.subplots(1, len(panels)), panels):
        ys: list[float] = []
        for system in systems_present(merged):
            for label, key, style, marker in series:
                points = [(size, figure(runs[system][0], key)) for size, runs in merged.items() if system in runs]
                points = [(x, y) for x, y in points if y is not None and y > 0]
                if points:
                    ax.plot(*zip(*points), linestyle=style, marker=marker, color=colours.get(system),
                            label=f"{system} {label}".strip())
                    ys += [y for _, y in points]
        xs = list(merged)
        if xs and max(xs) >= 10 * min(xs):
            ax.set_xscale("log")
            ax.xaxis.set_minor_locator(NullLocator())
        if xs:
            ax.set_xticks(xs, labels=[f"{x:,}" for x in xs])
        if ys and max(ys) >= 20 * min(ys):
            ax.set_yscale("log")
        if ys:
            ax.legend(fontsize="x-small", ncols=1 + (len(ax.lines) > 3), framealpha=0.7)
        else:
            ax.text(0.5, 0.5, "no data", transform=ax.transAxes, ha="center", va="center")
        ax.set(title=title, xlabel="articles", ylabel=unit)
        ax.grid(True, alpha=0.3)
    fig.savefig(path, dpi=100, metadata={"Software": None})


def write_report(results: list[Result], out_dir: Path = RESULTS) -> tuple[Path, Path]:
    """Merge results and write REPORT.md and scaling.png into out_dir; returns their paths."""
    merged = merge_results(results)
    out_dir.mkdir(parents=True, exist_ok=True)
    report, png = out_dir / "REPORT.md", out_dir / "scaling.png"
    report.write_text(render_report(merged), encoding="utf-8")
    plot_scaling(merged, png)
    return report, png


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m bench.report", description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="result files, oldest first (default: bench/results)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="directory for REPORT.md and scaling.png")
    args = parser.parse_args(argv)
    try:
        results = [load_result(path) for path in args.files] if args.files else default_results()
    except (OSError, ValueError) as error:
        parser.error(str(error))
    for path in write_report(results, args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
