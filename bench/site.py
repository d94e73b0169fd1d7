"""Benchmark the evidence site on the synthetic 10k-pledge set: time to write it, and page sizes.

Generates the fact files (``bench/generate.py``), builds the graph once (not timed: ``aidgraph
build`` does it), then times ``write_site`` and reports the number of pages and files, the total
size and the largest page. The targets: written in under a minute, no page over 1 MB.

    python bench/site.py                  # 10,000 pledges
    python bench/site.py --pledges 1000
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGETS = "10k pledges: site written in < 60 s; no page over 1 MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pledges", type=int, default=10_000)
    args = parser.parse_args()

    from bench.generate import generate
    from graph.build import build
    from graph.pages.site import write_site

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        seeds = generate(work / "seeds", args.pledges)
        build(seeds, work / "build")
        started, cpu = time.perf_counter(), time.process_time()
        summary = write_site(seeds, work / "site", build_dir=work / "build")
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"pledges        {args.pledges:,}")
    print(f"seconds        {seconds:.1f} (CPU {cpu:.1f}; the machine is shared, so wall time varies)")
    print(f"pages          {summary.pages:,}")
    print(f"files          {summary.files:,}")
    print(f"total MB       {summary.total_bytes / 1e6:.1f}")
    print(f"largest page   {summary.largest_page} ({summary.largest_bytes / 1e3:,.0f} KB)")
    print(f"peak MB        {peak_mb:,.0f}")
    print(f"targets        {TARGETS}")


if __name__ == "__main__":
    main()
