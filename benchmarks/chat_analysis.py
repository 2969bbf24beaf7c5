"""CPU time of the chat analysis and of participant_tables.xlsx on an imported study (issue 14).

    PYTHONPATH=. python benchmarks/chat_analysis.py STUDY [--runs 3]

STUDY is an imported study folder, e.g. one kept by
``benchmarks/chat_import.py --messages 1000000 --no-build --keep``. The script
times, in this process and best of ``--runs`` (CPU: ``time.process_time``,
the fairer clock on a shared machine; wall beside it):

- ``analyse_chats`` (read the messages, sessions, every table and statistic of
  the chat chapter, the triangulation's per-person rows), with pandas and scipy
  imported beforehand so their import is not counted;
- the participant-level chat tables written to an .xlsx by
  ``report.exports.write_participant_tables`` (openpyxl write-only) and by
  ``report.outputs.write_tables_xlsx`` (pandas ``to_excel``), with their ratio.

It asserts nothing; tests/test_chat_metrics_fast.py checks that both give the same cells.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path


def _best(runs: int, work) -> tuple[float, float, object]:
    best_cpu, best_wall, result = float("inf"), float("inf"), None
    for _ in range(runs):
        cpu, wall = time.process_time(), time.perf_counter()
        result = work()
        best_cpu = min(best_cpu, time.process_time() - cpu)
        best_wall = min(best_wall, time.perf_counter() - wall)
    return best_cpu, best_wall, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("study", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    import pandas  # noqa: F401 - imported before timing
    import scipy.special  # noqa: F401
    import scipy.stats  # noqa: F401

    from mixedmethods.chats.analysis import analyse_chats
    from mixedmethods.report.exports import is_participant_table, write_participant_tables
    from mixedmethods.report.outputs import write_tables_xlsx
    from mixedmethods.study import load_study

    study = load_study(args.study)
    cpu, wall, results = _best(args.runs, lambda: analyse_chats(study))
    messages = results.statistics.get("messages")
    print(f"analyse_chats: {messages:,} messages, CPU {cpu:.2f} s, wall {wall:.2f} s (best of {args.runs})")
    tables = {f"chats_{name}": table for name, table in results.tables.items() if is_participant_table(name)}
    if not tables:
        print("no participant-level chat tables")
        return
    rows = ", ".join(f"{name} {len(table):,}" for name, table in tables.items())
    with tempfile.TemporaryDirectory() as folder:
        fast, fast_wall, _ = _best(args.runs, lambda: write_participant_tables(Path(folder) / "a.xlsx", tables))
        slow, slow_wall, _ = _best(args.runs, lambda: write_tables_xlsx(Path(folder) / "b.xlsx", tables))
    print(f"participant tables ({rows} rows): write-only CPU {fast:.2f} s (wall {fast_wall:.2f}), "
          f"to_excel CPU {slow:.2f} s (wall {slow_wall:.2f}), ratio {slow / fast:.1f}x")


if __name__ == "__main__":
    main()
