"""Parse WhatsApp exports (Android and iOS, 100k and 1M messages by default) with mixedmethods and with whatstk;
print times, peak memory and ratios measured in the same run.

    pip install -e ".[benchmark]"        # whatstk, the peer
    python benchmarks/chat_parse.py [--messages 100000 1000000] [--runs 2]

The exports come from the demo generator (mixedmethods.demo_chats) with 250
synthetic members. whatstk is given the header format explicitly (its fastest
path; ``max_size=None``, as its default refuses files over 50 MB) and also asked
to detect it, as a user would. Times are the best of ``--runs`` parses, as CPU
time of this process (stable on a shared machine) and wall time. Peak memory
is given twice: the tracemalloc peak of Python allocations during one parse
(pandas/numpy buffers included, as they allocate through Python's allocator
hooks), and the peak resident set size of a fresh process that imports the
parser and parses the file once (interpreter and pandas included, about
100 MB), as ``/usr/bin/time -v`` reports it. The benchmark prints; it asserts
nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

SHAPES = {"android": (False, "%d/%m/%Y, %H:%M - %name:"), "ios": (True, "[%m/%d/%y, %I:%M:%S %p] %name:")}
# Run in a fresh interpreter, so that its peak resident set is that one parse's.
CHILD = {
    "mixedmethods": "from pathlib import Path; from mixedmethods.chats.parser import parse_export; "
                    "parse_export(Path({path!r}))",
    "whatstk": "from whatstk import WhatsAppChat; WhatsAppChat.from_source({path!r}, hformat={hformat!r}, "
               "max_size=None)",
}


def members(count: int):
    from mixedmethods.privacy import Participant

    rng = random.Random(1)
    return [Participant(f"P-{i:04d}", f"Member {i} {rng.choice(['Baptiste', 'Dubois', 'García', 'Okafor'])}",
                        f"+1 212 555 {i:04d}", "", "g", "") for i in range(count)]


def measure(function, runs: int) -> tuple[float, float, float]:
    """Best CPU seconds, best wall seconds, tracemalloc peak (MiB) of one more run."""
    cpu, wall = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        function()
        cpu.append(time.process_time() - started_cpu)
        wall.append(time.perf_counter() - started)
    tracemalloc.start()
    function()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return min(cpu), min(wall), peak / 2**20


def peak_rss(parser: str, path: Path, hformat: str) -> float:
    """Peak resident set (MiB) of a fresh interpreter that parses ``path`` once, as GNU time reports it (started
    through time, so that the child is not a fork of this large process, whose pages Linux would count)."""
    if not Path("/usr/bin/time").exists():
        return float("nan")
    done = subprocess.run(["/usr/bin/time", "-f", "%M", sys.executable, "-c",
                           CHILD[parser].format(path=str(path), hformat=hformat)],
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}, capture_output=True, text=True)
    if done.returncode:
        return float("nan")
    return int(done.stderr.strip().splitlines()[-1]) / 1024  # kilobytes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--no-detect", action="store_true", help="skip whatstk's format detection (slow at 1M)")
    args = parser.parse_args()
    try:
        from whatstk import WhatsAppChat
    except ImportError:
        raise SystemExit("whatstk is not installed: pip install -e '.[benchmark]'") from None
    import pandas  # noqa: F401  (imported before timing, for both parsers)

    from mixedmethods.chats.parser import parse_export
    from mixedmethods.demo_chats import write_chat_export

    folder = Path(tempfile.mkdtemp(prefix="mm-chat-bench-"))
    people = members(250)
    print(f"{'size':>9} {'platform':8} {'parser':26} {'cpu s':>7} {'wall s':>7} {'traced MiB':>10} {'RSS MiB':>8} "
          f"{'rows':>8}")
    for messages in args.messages:
        for name, (ios, hformat) in SHAPES.items():
            path = folder / f"{name}-{messages}.txt"
            write_chat_export(path, random.Random(7), "caricom", people, {}, messages, ios, "Bench")
            rows = {"mixedmethods": len(parse_export(path)[0]),
                    "whatstk": len(WhatsAppChat.from_source(str(path), hformat=hformat, max_size=None).df)}
            ours = measure(lambda: parse_export(path), args.runs)
            given = measure(lambda: WhatsAppChat.from_source(str(path), hformat=hformat, max_size=None), args.runs)
            results = [("mixedmethods", ours, peak_rss("mixedmethods", path, hformat), rows["mixedmethods"]),
                       ("whatstk (format given)", given, peak_rss("whatstk", path, hformat), rows["whatstk"])]
            detected = None
            if not args.no_detect:
                try:
                    detected = measure(lambda: WhatsAppChat.from_source(str(path), max_size=None), 1)
                    results.append(("whatstk (format detected)", detected, float("nan"), rows["whatstk"]))
                except Exception as exc:  # whatstk cannot always detect the format
                    print(f"  whatstk could not detect the {name} format: {type(exc).__name__}")
            for label, (cpu, wall, traced), rss, count in results:
                print(f"{messages:>9} {name:8} {label:26} {cpu:7.2f} {wall:7.2f} {traced:10.0f} {rss:8.0f} "
                      f"{count:>8}")
            line = (f"{messages:>9} {name:8} ratio whatstk/mixedmethods (format given): {given[0] / ours[0]:.2f}x "
                    f"CPU, {given[1] / ours[1]:.2f}x wall")
            if detected:
                line += f"; (format detected): {detected[0] / ours[0]:.2f}x CPU"
            print(line, flush=True)
            path.unlink()


if __name__ == "__main__":
    main()
