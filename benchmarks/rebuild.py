"""Time a first ``build`` of the demo against a rebuild with nothing changed and one after a transcript changed.

Steps, each in a fresh process as a user runs them, on one demo study
(``demo --scale N``):

1. ``build`` (the first build);
2. ``build`` again with nothing changed;
3. one interview transcript edited (a closing interviewer line appended to
   the first plain-text transcript in ``data/interviews``), then ``import``
   and ``build``.

Prints wall time and peak memory of each step and the ratios of the two
rebuilds to the first build, measured in the same run. Issue 14's targets: a
no-change rebuild under 1 s on the demo; after one transcript changed, only
the interview and triangulation results recomputed.

    PYTHONPATH=. python benchmarks/rebuild.py [--scale 1] [--keep DIR]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_scaling import CLI, Run, measure  # noqa: E402

NO_CHANGE_TARGET_SECONDS = 1.0  # issue 14: "a rebuild with nothing changed takes under 1 s on the demo"


def edit_one_transcript(root: Path) -> Path:
    """Append one uncoded interviewer line to the first plain-text transcript; return its path."""
    transcripts = sorted((root / "data" / "interviews").glob("*.txt"))
    if not transcripts:
        raise SystemExit(f"no .txt transcript in {root / 'data' / 'interviews'} to edit")
    path = transcripts[0]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + "\nInterviewer: Thank you, that is all my questions.\n", encoding="utf-8")
    return path


def line(label: str, run: Run, first: Run | None = None) -> str:
    ratio = f"; {run.seconds / first.seconds:5.2f}x the first build" if first else ""
    return f"{label:<42} {run.seconds:7.2f} s {run.peak_mb:6.0f} MB{ratio}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1, help="demo scale (N x 120 respondents)")
    parser.add_argument("--keep", type=Path, help="generate the study here and keep it")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="mm-rebuild-"))
    root = work / "study"
    try:
        demo = measure([*CLI, "demo", str(root), "--scale", str(args.scale)])
        print(line(f"demo --scale {args.scale} (generate + import)", demo), flush=True)
        first = measure([*CLI, "build", str(root)])
        print(line("first build", first), flush=True)
        same = measure([*CLI, "build", str(root)])
        print(line("rebuild, nothing changed", same, first), flush=True)
        edited = edit_one_transcript(root)
        imported = measure([*CLI, "import", str(root)])
        print(line(f"import after editing {edited.name}", imported, first), flush=True)
        after = measure([*CLI, "build", str(root)])
        print(line("rebuild after one transcript changed", after, first), flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    both = Run(imported.seconds + after.seconds, max(imported.peak_mb, after.peak_mb))
    print(line("import + rebuild after the change", both, first))
    print(f"target: no-change rebuild < {NO_CHANGE_TARGET_SECONDS:.0f} s: {same.seconds:.2f} s -> "
          f"{'met' if same.seconds < NO_CHANGE_TARGET_SECONDS else 'NOT met'}")


if __name__ == "__main__":
    main()
