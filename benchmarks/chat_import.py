"""Import and build a study whose chats hold 100k and 1M messages; print time, peak memory and ratios to the targets.

Issue 14's targets: a 1M-message export imports in under 20 s with under
600 MB peak resident memory, and ``build`` after that takes under 10 s.

    python benchmarks/chat_import.py [--messages 100000 1000000] [--extra-participants 0] [--no-build] [--keep]
                                      [--jobs 1] [--distinct-texts]

For each size the demo study is written (``mixedmethods demo``'s generator,
140 participants), its two chat exports are replaced by exports of half the
messages each (one Android, one iOS, written by
``mixedmethods.demo_chats.write_chat_export`` with the members of
private/participants.csv, so authors and mentions link), and then
``mixedmethods import`` and ``mixedmethods build`` run each in a fresh
process, as a user runs them. Wall time is measured around the process; peak
memory is the child's maximum resident set size (``os.wait4``'s rusage) and,
as "all processes", the peak of the summed PSS of the child and the workers it
forks (benchmarks/process_memory.py), which the target is checked against.
``--extra-participants`` adds listed people who never write, to show that
redaction does not slow down with the size of participants.csv.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from process_memory import TreeMemory  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
TARGETS = {"import": (20.0, 600.0), "build": (10.0, None)}  # seconds, MB (1M messages)


def run_cli(args: list[str], cwd: Path) -> tuple[float, float, float, float]:
    """Wall seconds, peak RSS (MB), CPU seconds and peak memory of all its processes together (MB) of one
    ``mixedmethods`` command in a fresh process.

    CPU seconds (user + system, its worker processes included) are printed too: on a shared machine they move
    less than wall time. The import prepares chat texts in a second process: the memory of the two together
    (:class:`process_memory.TreeMemory`, summed PSS) is what the target is checked against.
    """
    code = f"import sys; sys.argv = ['mixedmethods', *{args!r}]; from mixedmethods.cli import main; main()"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", code], cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    together = TreeMemory(process.pid)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    together.stop()
    process.returncode = os.waitstatus_to_exitcode(status)
    error = process.stderr.read().decode() if process.stderr else ""
    if process.returncode != 0:
        raise SystemExit(f"mixedmethods {' '.join(args)} failed ({process.returncode}):\n{error[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, together.peak_mb  # maxrss: KiB


_MESSAGE = re.compile(r"^(\u200e?\[[^\]]+\] |\d[^-\n]*? - )([^:\n]{1,80}): (.+)$")


def _word(number: int) -> str:
    """``number`` written in letters (base 26, no digits: a digit run is scanned as a possible phone number)."""
    letters = ""
    while True:
        number, rest = divmod(number, 26)
        letters += "abcdefghijklmnopqrstuvwxyz"[rest]
        if not number:
            return "q" + letters


def make_texts_distinct(path: Path) -> None:
    """Give every text message of the export at ``path`` its own last word, so that no two texts are the same.

    The generator draws texts from a few thousand sentences, where a real chat of a million messages has
    nearly a million different texts: what reads each distinct text once (the store's privacy check) costs
    far more on real exports. System messages, media and deleted messages are left as they are.
    """
    lines = path.read_text(encoding="utf-8").split("\n")
    for index, line in enumerate(lines):
        found = _MESSAGE.match(line)
        if found and not found.group(3).startswith(("\u200e", "<")) and "omitted" not in found.group(3):
            lines[index] = f"{line} {_word(index)}"
    path.write_text("\n".join(lines), encoding="utf-8")


def make_study(root: Path, messages: int, extra: int, distinct: bool = False) -> None:
    sys.path.insert(0, str(REPO))
    from mixedmethods.demo import make_demo
    from mixedmethods.demo_chats import write_chat_export
    from mixedmethods.privacy import Participants, load_key

    make_demo(root)
    private = root / "private"
    if extra:
        with (private / "participants.csv").open("a", encoding="utf-8", newline="") as handle:
            rng = random.Random(3)
            writer = csv.writer(handle)
            for index in range(extra):
                writer.writerow(["", f"Extra{index} {rng.choice(['Baptiste', 'Lefèvre', 'García'])}-{index}", "",
                                 "", "caricom", ""])
    people = Participants.load(private, load_key(private)).people
    rng = random.Random(11)
    for name, group, ios in (("caricom", "caricom", False), ("sixth-committee", "sixth-committee", True)):
        members = [p for p in people if group in (p.group, *p.other_groups)][:140]
        write_chat_export(root / "data" / "chats" / f"{name}.txt", rng, group, members, {}, messages // 2, ios,
                          f"Bench {name}")
        if distinct:
            make_texts_distinct(root / "data" / "chats" / f"{name}.txt")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--extra-participants", type=int, default=0)
    parser.add_argument("--no-build", action="store_true", help="time the import only")
    parser.add_argument("--keep", action="store_true", help="keep the studies (their folder is printed)")
    parser.add_argument("--distinct-texts", action="store_true", help="give every text message its own last word, "
                        "as in a real chat (the generator repeats a few thousand sentences)")
    parser.add_argument("--jobs", type=int, nargs="*", default=[], help="after the build, build again with "
                        "--force --jobs N for each N (e.g. 1: one process) and print the default's speed-up")
    parser.add_argument("--study", type=Path, help="time import and build of this study instead (a copy; its "
                        "store is removed first), e.g. one kept by an earlier --keep")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mm-chat-import-"))
    try:
        for messages in ([None] if args.study else args.messages):
            root = work / f"chats{messages}"
            if args.study:
                shutil.copytree(args.study, root, ignore=shutil.ignore_patterns("store.sqlite*", "report"))
                messages = sum(1 for f in (root / "data" / "chats").iterdir() for _ in f.open(encoding="utf-8"))
            else:
                make_study(root, messages, args.extra_participants, args.distinct_texts)
            lines = sum(1 for f in (root / "data" / "chats").iterdir() for _ in f.open(encoding="utf-8"))
            imported = run_cli(["import", "."], root)
            built = (float("nan"),) * 4 if args.no_build else run_cli(["build", "."], root)
            print(f"{messages:>9,} messages ({lines:,} lines, {args.extra_participants} extra participants): "
                  f"import {imported[0]:6.1f} s ({imported[2]:.1f} s CPU) {imported[1]:6.0f} MB "
                  f"(all processes {imported[3]:.0f} MB) | build {built[0]:6.1f} s ({built[2]:.1f} s CPU) "
                  f"{built[1]:6.0f} MB (all processes {built[3]:.0f} MB)")
            for jobs in [] if args.no_build else args.jobs:
                other = run_cli(["build", ".", "--force", "--jobs", str(jobs)], root)
                print(f"  build --force --jobs {jobs}: {other[0]:6.1f} s ({other[2]:.1f} s CPU) {other[1]:6.0f} MB "
                      f"(all processes {other[3]:.0f} MB); "
                      f"the default build is {other[0] / built[0]:.2f}x as fast")
            if messages >= 1_000_000:
                (seconds, megabytes), build_limit = TARGETS["import"], TARGETS["build"][0]
                print(f"  ratio to targets: import time {imported[0] / seconds:.2f} (< 1 wanted), import memory of "
                      f"all its processes {imported[3] / megabytes:.2f} (< 1), build time "
                      f"{built[0] / build_limit:.2f} (< 1)")
        if args.keep:
            print(f"studies kept in {work}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
