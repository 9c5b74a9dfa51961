"""`python -m bench.plots RESULTS.json [...] --out docs/images`: the benchmark's plots, drawn
from the results files of its runs (`python -m bench --results …`); a series in a later file
replaces the same series of an earlier one.

- `bench-processes.svg`: UpdateAsset calls a second against the registry's processes, each
  database, with pgbench's rate for the same transaction and the goal (30 % of it);
- `bench-risk-catch-up.svg`: during a bulk load with the risk service following, the assets the
  registry had answered for and the revision the risk service had applied, against time.
"""

import argparse
import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("svg")
import matplotlib.pyplot as plt  # noqa: E402 - after choosing the backend

from bench.update_latency import GOAL_PGBENCH_SHARE  # noqa: E402

DATABASES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.plots", description=__doc__)
    parser.add_argument("results", nargs="+", type=Path, help="results files, oldest first")
    parser.add_argument("--out", type=Path, default=Path("docs/images"), help="directory")
    options = parser.parse_args(argv)
    series, machines = {}, []
    for path in options.results:
        document = json.loads(path.read_text(encoding="utf-8"))
        series.update(document["series"])
        machines.append(document["machine"])
    options.out.mkdir(parents=True, exist_ok=True)
    drawn = [
        draw(options.out / "bench-processes.svg", processes_plot, series),
        draw(options.out / "bench-risk-catch-up.svg", catch_up_plot, series),
    ]
    for path in filter(None, drawn):
        print(f"wrote {path}")
    return 0 if any(drawn) else 1


def draw(path: Path, plot, series: dict) -> Path | None:
    figure, axes = plt.subplots(figsize=(7, 4.2))
    try:
        if not plot(axes, series):
            return None
        axes.grid(alpha=0.3)
        axes.legend(fontsize="small")
        figure.tight_layout()
        figure.savefig(path, metadata={"Date": None})
        return path
    finally:
        plt.close(figure)


def processes_plot(axes, series: dict) -> bool:
    drawn = False
    for database, label in DATABASES.items():
        points = series.get(f"update_latency {database} processes")
        if not points:
            continue
        processes, rates = zip(*points, strict=True)
        axes.plot(processes, rates, marker="o", label=f"UpdateAsset, {label}")
        drawn = True
        baseline = series.get(f"update_latency {database} pgbench")
        if baseline:
            rate = baseline[0][1]
            axes.axhline(rate, linestyle="--", color="grey", label="pgbench, same transaction")
            axes.axhline(GOAL_PGBENCH_SHARE * rate, linestyle=":", color="grey",
                         label=f"goal: {GOAL_PGBENCH_SHARE:.0%} of pgbench")
    axes.set_xlabel("registry processes")
    axes.set_ylabel("calls a second (concurrency 32)")
    axes.set_title("UpdateAsset throughput against registry processes")
    axes.set_xticks(sorted({p for name, points in series.items() if name.endswith(" processes")
                            for p, _ in points}) or [1])
    return drawn


def catch_up_plot(axes, series: dict) -> bool:
    drawn = False
    for database, label in DATABASES.items():
        loaded = series.get(f"bulk_load {database} loaded")
        applied = series.get(f"bulk_load {database} applied")
        if not loaded or not applied:
            continue
        line = axes.plot(*zip(*loaded, strict=True), label=f"registry answered, {label}")[0]
        axes.plot(*zip(*applied, strict=True), linestyle="--", color=line.get_color(),
                  label=f"risk service applied, {label}")
        drawn = True
    axes.set_xlabel("seconds since the load's start")
    axes.set_ylabel("assets (revisions)")
    axes.set_title("Bulk load: the risk service following the registry")
    return drawn


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
