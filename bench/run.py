"""`make bench`: run every benchmark and write docs/benchmarks.md.

python bench/run.py                 # all benchmarks
python bench/run.py provisioning    # one (or workflow_todo, domino_import, documents, exchange, rendering, connections, stats, portal, notices)
BENCH_UNITS=100 python bench/run.py # a smaller platform
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import use_bench_database

BENCHMARKS = [
    "provisioning",
    "workflow_todo",
    "domino_import",
    "documents",
    "exchange",
    "rendering",
    "notices",
    "connections",
    "stats",
    "portal",
]


def main(argv: list[str]) -> int:
    chosen = argv or BENCHMARKS
    unknown = [b for b in chosen if b not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
        return 2
    use_bench_database()
    for name in chosen:
        module = __import__(f"bench.{name}", fromlist=["run"])
        print(module.run())
    print("results written to docs/benchmarks.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
