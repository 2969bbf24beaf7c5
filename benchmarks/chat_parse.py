"""Parse 100k-message WhatsApp exports (Android and iOS) with mixedmethods and with whatstk; print times,
peak memory and ratios measured in the same run.

    pip install -e ".[benchmark]"        # whatstk, the peer
    python benchmarks/chat_parse.py [--messages 100000] [--runs 3]

The exports come from the demo generator (mixedmethods.demo_chats) with 250
synthetic members. whatstk is given the header format explicitly (its fastest
path) and also asked to detect it, as a user would. Peak memory is the
tracemalloc peak of Python allocations during one parse (pandas/numpy buffers
included, as they allocate through Python's allocator hooks).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
import tracemalloc
from pathlib import Path


def members(count: int):
    from mixedmethods.privacy import Participant

    rng = random.Random(1)
    return [Participant(f"P-{i:04d}", f"Member {i} {rng.choice(['Baptiste', 'Dubois', 'García', 'Okafor'])}",
                        f"+1 212 555 {i:04d}", "", "g", "") for i in range(count)]


def measure(function, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    function()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return min(times), peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
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
    shapes = {"android": (False, "%d/%m/%Y, %H:%M - %name:"), "ios": (True, "[%m/%d/%y, %I:%M:%S %p] %name:")}
    for name, (ios, hformat) in shapes.items():
        path = folder / f"{name}.txt"
        written = write_chat_export(path, random.Random(7), "caricom", people, {}, args.messages, ios, "Bench")
        ours, ours_mem = measure(lambda: parse_export(path), args.runs)
        frame, _ = parse_export(path)
        given, given_mem = measure(lambda: WhatsAppChat.from_source(str(path), hformat=hformat), args.runs)
        try:
            detected, _ = measure(lambda: WhatsAppChat.from_source(str(path)), 1)
        except Exception as exc:  # whatstk cannot always detect the format
            detected = float("nan")
            print(f"  whatstk could not detect the {name} format: {type(exc).__name__}")
        rows = len(WhatsAppChat.from_source(str(path), hformat=hformat).df)
        print(f"{name}: {written} messages written; mixedmethods {ours:.3f} s, {ours_mem:.0f} MiB peak, "
              f"{len(frame)} rows | whatstk (format given) {given:.3f} s, {given_mem:.0f} MiB peak, {rows} rows | "
              f"whatstk (format detected) {detected:.3f} s")
        print(f"  ratio whatstk/mixedmethods: {given / ours:.2f}x (format given), {detected / ours:.2f}x "
              f"(detected); memory mixedmethods/whatstk: {ours_mem / given_mem:.2f}")


if __name__ == "__main__":
    main()
