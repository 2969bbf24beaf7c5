"""Time ``mixedmethods build`` on the demo study at scale 1 and 10, and ``mixedmethods --help`` start-up.

Prints wall-clock seconds (best of N runs, each a fresh process, as a user
runs it) and ratios against baselines measured in the same run: scale 10
against scale 1, and ``--help`` against a bare ``python -c pass``.

    python benchmarks/build_time.py [--runs 3]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def best_of(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    cli = [sys.executable, "-m", "mixedmethods.cli"]
    work = Path(tempfile.mkdtemp(prefix="mm-bench-"))
    try:
        results = {}
        for scale in (1, 10):
            root = work / f"scale{scale}"
            start = time.perf_counter()
            subprocess.run([*cli, "demo", str(root), "--scale", str(scale)], check=True, capture_output=True)
            demo_time = time.perf_counter() - start
            results[scale] = best_of([*cli, "build", str(root)], args.runs)
            respondents = subprocess.run([*cli, "status", str(root)], check=True, capture_output=True,
                                         text=True).stdout.split("Survey respondents: ")[1].splitlines()[0]
            print(f"scale {scale:>2}: demo+import {demo_time:6.2f} s; build {results[scale]:6.2f} s "
                  f"(respondents: {respondents})")
        print(f"build ratio scale 10 / scale 1: {results[10] / results[1]:.2f}")
        bare = best_of([sys.executable, "-c", "pass"], 5)
        help_time = best_of([*cli, "--help"], 5)
        print(f"--help start-up {help_time * 1000:.0f} ms; bare python {bare * 1000:.0f} ms; "
              f"ratio {help_time / bare:.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
