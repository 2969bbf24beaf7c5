"""Time and peak memory of ``mixedmethods build`` on the demo at several scales, and ``--help`` start-up.

For each scale N (``demo --scale N``: N x 120 respondents, N x 24 transcripts,
chats N times as long) the demo is generated and imported, then built once in
a fresh process, as a user runs it. Each command's wall time and peak resident
memory are measured for that one process (``os.wait4`` returns the rusage of
the child it waited for: the largest of it and its own children), so the
figures of one scale never leak into the next; "all processes" is the peak of
their summed PSS while they run together (benchmarks/process_memory.py),
which the 1 GB target is checked against. Prints each build's growth ratio against the
smallest scale measured in the same run, and the targets of issue 14 (the
largest scale below 5x the smallest, under 1 GB). Also prints ``--help``
start-up against a bare ``python -c pass`` (best of 5).

    PYTHONPATH=. python benchmarks/build_scaling.py [--scales 1,10,50,100] [--runs 1] [--keep DIR]

The scales run in increasing order; N=100 takes minutes, so choose the scales
for the machine at hand (``--scales 1,10`` is the quick check).
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from process_memory import TreeMemory  # noqa: E402

CLI = [sys.executable, "-m", "mixedmethods.cli"]
# Issue 14's "done when": build at the largest scale under 5x the smallest, and under 1 GB peak.
TARGET_RATIO = 5.0
TARGET_PEAK_MB = 1024.0


@dataclass
class Run:
    """One measured process: wall seconds, its peak resident memory in MB, and the peak memory of it and the
    processes it started together (summed PSS, :mod:`process_memory`; NaN where it cannot be read)."""

    seconds: float
    peak_mb: float
    together_mb: float = float("nan")


def measure(command: list[str], cwd: Path | None = None) -> Run:
    """Run ``command`` in a fresh process and return its wall time and its own peak RSS.

    ``resource.getrusage(RUSAGE_CHILDREN)`` would give the maximum over every
    child so far; ``os.wait4`` gives this child's alone (Linux reports
    ``ru_maxrss`` in kilobytes).
    """
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    together = TreeMemory(process.pid)
    output = process.stdout.read()  # drain the pipe so a chatty child never blocks
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    together.stop()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.stderr.write(output.decode(errors="replace"))
        raise SystemExit(f"failed ({process.returncode}): {' '.join(command)}")
    return Run(seconds, usage.ru_maxrss / 1024, together.peak_mb)


def best_of(command: list[str], runs: int) -> float:
    """Best wall time of ``runs`` fresh processes (kept for benchmarks that import it)."""
    return min(measure(command).seconds for _ in range(runs))


def build_at(scale: int, work: Path, runs: int, jobs: str | None = None) -> tuple[Run, Run]:
    """Generate + import the demo at ``scale`` (one run), then build it ``runs`` times; return (demo, best build).

    Every build is ``--force`` (a second build of an unchanged study would otherwise do nothing); ``jobs`` is
    passed as ``--jobs`` (None: the build's default, the usable cores up to 4)."""
    root = work / f"scale{scale}"
    if not root.exists():
        demo = measure([*CLI, "demo", str(root), "--scale", str(scale)])
    else:  # the same study built again with another --jobs
        demo = Run(float("nan"), float("nan"))
    options = ["--force", *(["--jobs", jobs] if jobs else [])]
    builds = [measure([*CLI, "build", str(root), *options]) for _ in range(runs)]
    best = min(builds, key=lambda r: r.seconds)
    return demo, Run(best.seconds, max(r.peak_mb for r in builds), max(r.together_mb for r in builds))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10,50,100",
                        help="comma-separated demo scales (default 1,10,50,100)")
    parser.add_argument("--runs", type=int, default=1, help="builds per scale; the best time is kept")
    parser.add_argument("--keep", type=Path, help="generate the studies here and keep them")
    parser.add_argument("--no-help", action="store_true", help="skip the --help start-up measurement")
    parser.add_argument("--jobs", default="", help="comma-separated values of build --jobs to time at each scale "
                        "besides the default (e.g. 1: one process), with the default's speed-up over each")
    args = parser.parse_args(argv)
    scales = sorted({int(s) for s in args.scales.split(",") if s.strip()})
    work = args.keep or Path(tempfile.mkdtemp(prefix="mm-scaling-"))
    work.mkdir(parents=True, exist_ok=True)
    results: dict[int, Run] = {}
    try:
        for scale in scales:
            demo, build = build_at(scale, work, args.runs)
            results[scale] = build
            print(f"scale {scale:>3} ({scale * 120:>6} respondents): demo+import {demo.seconds:7.1f} s "
                  f"{demo.peak_mb:6.0f} MB; build {build.seconds:7.1f} s {build.peak_mb:6.0f} MB (all processes "
                  f"{build.together_mb:.0f} MB)", flush=True)
            for jobs in [j.strip() for j in args.jobs.split(",") if j.strip()]:
                _, other = build_at(scale, work, args.runs, jobs)
                print(f"          build --jobs {jobs}: {other.seconds:7.1f} s {other.peak_mb:6.0f} MB (all processes "
                      f"{other.together_mb:.0f} MB); the default "
                      f"is {other.seconds / build.seconds:.2f}x as fast", flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    base = scales[0]
    for scale in scales[1:]:
        ratio = results[scale].seconds / results[base].seconds
        print(f"build ratio scale {scale} / scale {base}: time {ratio:.2f}x, "
              f"peak memory {results[scale].peak_mb / results[base].peak_mb:.2f}x "
              f"(time per respondent {ratio / (scale / base):.3f} of scale {base}'s)")
    top = scales[-1]
    if len(scales) > 1:
        ratio = results[top].seconds / results[base].seconds
        print(f"target: scale {top} < {TARGET_RATIO:.0f}x scale {base}: {ratio:.2f}x "
              f"-> {'met' if ratio < TARGET_RATIO else 'NOT met'}")
    peak = results[top].peak_mb if math.isnan(results[top].together_mb) else results[top].together_mb
    print(f"target: peak < {TARGET_PEAK_MB:.0f} MB at scale {top} (all processes together): {peak:.0f} MB "
          f"-> {'met' if peak < TARGET_PEAK_MB else 'NOT met'}")
    if not args.no_help:
        bare = best_of([sys.executable, "-c", "pass"], 5)
        help_time = best_of([*CLI, "--help"], 5)
        print(f"--help start-up {help_time * 1000:.0f} ms; bare python {bare * 1000:.0f} ms; "
              f"ratio {help_time / bare:.2f}")


if __name__ == "__main__":
    main()
