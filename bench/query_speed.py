"""Start-up and end-to-end query time of the `aidgraph` command, interpreter start included.

Targets (issue: SPARQL): `aidgraph query --named …` under 0.5 s on the seed graph, and
`aidgraph --help` under 0.3 s. Run from the repository root after `make demo`:

    .venv/bin/python bench/query_speed.py [--runs 10]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGETS = {
    "aidgraph --help": (["--help"], 0.3),
    "aidgraph query --named totals-by-donor": (["query", "--named", "totals-by-donor"], 0.5),
    "aidgraph query --named pledges --format json": (["query", "--named", "pledges", "--format", "json"], 0.5),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    command = shutil.which("aidgraph") or str(Path(sys.executable).parent / "aidgraph")
    subprocess.run([command, "build"], check=True, capture_output=True)  # queries then reuse build/
    print(f"{'command':<48} {'median':>8} {'max':>8} {'target':>8}  verdict")
    failed = False
    for label, (argv, target) in TARGETS.items():
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            subprocess.run([command, *argv], check=True, capture_output=True)
            times.append(time.perf_counter() - start)
        median = statistics.median(times)
        verdict = "ok" if median < target else "SLOW"
        failed |= verdict != "ok"
        print(f"{label:<48} {median:>7.3f}s {max(times):>7.3f}s {target:>7.1f}s  {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
