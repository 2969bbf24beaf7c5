"""Rendering CPU of ``build`` (documents, workbooks, exports) before and after a change, and byte identity.

Makes one demo study, then for the code at ``--before`` (another checkout of the repository) and the code on
``PYTHONPATH`` (``--after``, default: this checkout):

1. ``build --force`` in a fresh process on its own copy of the study: CPU seconds (user + system, of the
   process and its children) and peak memory, best of ``--runs``, the two versions alternating;
2. compares every file under ``report/`` and ``private/exports/`` of the two builds byte for byte (builds are
   deterministic per day). The private exports written with openpyxl and pyreadstat carry the time of day in
   ``docProps/core.xml`` and in the SAV header; those parts are reported apart, the rest must be equal;
3. the rendering CPU: in a fresh process, the analyses are computed first, then ``_build_into`` is timed with
   ``time.process_time`` (everything written after the analyses), less the drawing of the figures (matplotlib,
   timed around each figure function); best of ``--runs``, the two versions alternating.

Prints each figure and the ratios after/before, measured in this one run::

    PYTHONPATH=. python benchmarks/render.py --before /path/to/main [--scale 1] [--runs 3] [--keep DIR]
        [--study DIR]

``--before`` is a second checkout, e.g. ``git worktree add /tmp/before main`` or ``git archive main | tar -x -C
/tmp/before``. ``--study`` copies an imported study (a three-group study of tests/studygen.py, say) instead of
making the demo.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent

MEASURE = r'''
import sys, time
from pathlib import Path
from mixedmethods.study import load_study
from mixedmethods.report import build
import mixedmethods.report.figures as figures
import mixedmethods.report.convergence_figure as convergence
import mixedmethods.report.chat_chapter as chat, mixedmethods.report.interview_chapter as interview
import mixedmethods.report.survey_chapter as survey
study = load_study(Path(sys.argv[1]))
out = Path(sys.argv[2])
analyses = build.analyse_all(study)
drawing = [0.0]
def timed(function):
    def wrapper(*args, **kwargs):
        start = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            drawing[0] += time.process_time() - start
    return wrapper
for module in (figures, chat, interview, survey):
    for name in ("diverging_likert", "heatmap", "lorenz_curves", "activity_grid", "weekly_volume"):
        if hasattr(module, name):
            setattr(module, name, timed(getattr(module, name)))
convergence.convergence_figure = timed(convergence.convergence_figure)
import docx, openpyxl, matplotlib.pyplot  # imported before the clock starts, as in a build
start = time.process_time()
build._build_into(out, study, None, None, lambda ready, meanwhile: analyses)
total = time.process_time() - start
print(f"{total:.3f} {drawing[0]:.3f}")
'''


def _run(code: Path, args: list[str], cwd: Path) -> tuple[float, float, str]:
    """Run ``python args`` with ``code`` first on the path: (CPU seconds, peak MB, output).

    ``os.wait4`` gives this child's own resource usage (its children included), as in build_scaling.py.
    """
    env = {**os.environ, "PYTHONPATH": str(code)}
    process = subprocess.Popen([sys.executable, *args], cwd=cwd, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
    output = process.stdout.read().decode(errors="replace")  # drain the pipe so a chatty child never blocks
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"failed ({code}): {' '.join(args)}\n{output[-2000:]}")
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, output


def _cli(*words: str) -> list[str]:
    return ["-c", "import sys; from mixedmethods.cli import main; sys.argv=['mixedmethods', *sys.argv[1:]]; main()",
            *words]


def compare(a: Path, b: Path) -> tuple[int, list[str], list[str]]:
    """(files compared, files that differ, private exports equal but for the time of day)."""
    differ, clock = [], []
    count = 0
    for sub in ("report", "private/exports"):
        files_a = sorted(p.relative_to(a / sub) for p in (a / sub).rglob("*") if p.is_file())
        files_b = sorted(p.relative_to(b / sub) for p in (b / sub).rglob("*") if p.is_file())
        differ += [f"{sub}/{f} (only one build)" for f in sorted(set(files_a) ^ set(files_b))]
        for name in sorted(set(files_a) & set(files_b)):
            count += 1
            x, y = (a / sub / name).read_bytes(), (b / sub / name).read_bytes()
            if x == y:
                continue
            same = False
            if sub != "report" and name.suffix == ".xlsx":
                za, zb = zipfile.ZipFile(a / sub / name), zipfile.ZipFile(b / sub / name)
                same = za.namelist() == zb.namelist() and all(
                    za.read(m) == zb.read(m) for m in za.namelist() if m != "docProps/core.xml")
            elif sub != "report" and name.suffix == ".sav":  # creation date and time: bytes 92-108 of the header
                same = len(x) == len(y) and x[:92] == y[:92] and x[109:] == y[109:]
            (clock if same else differ).append(f"{sub}/{name}")
    return count, differ, clock


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="another checkout of the repository")
    parser.add_argument("--after", type=Path, default=HERE, help="default: this checkout")
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep the studies in this folder")
    parser.add_argument("--study", type=Path, help="an imported study to copy instead of the demo (e.g. one of "
                                                   "tests/studygen.py's shapes)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="render-"))
    work.mkdir(parents=True, exist_ok=True)
    study = args.study.resolve() if args.study else work / "study"
    if not study.exists():
        _run(args.after, _cli("demo", str(study), "--scale", str(args.scale)), work)
    versions = {"before": args.before.resolve(), "after": args.after.resolve()}
    builds: dict[str, tuple[float, float]] = {}
    for name in versions:
        copy = work / f"study-{name}"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(study, copy)
    for _ in range(args.runs):  # the two versions alternating, so a busy spell of the machine hits both
        for name, code in versions.items():
            cpu, peak, _ = _run(code, _cli("build", str(work / f"study-{name}"), "--force"), work)
            if name not in builds or cpu < builds[name][0]:
                builds[name] = (cpu, peak)
    for name, (cpu, peak) in builds.items():
        print(f"build --force, {name}: {cpu:.2f} s CPU (user + system), {peak:.0f} MB peak, best of {args.runs}")
    count, differ, clock = compare(work / "study-before", work / "study-after")
    print(f"byte identity: {count} files compared, {len(differ)} differ"
          + (f" ({', '.join(differ)})" if differ else "")
          + (f"; equal but for the time of day they were written: {', '.join(clock)}" if clock else ""))
    best = {name: None for name in versions}
    for _ in range(args.runs):
        for name, code in versions.items():
            out = work / f"render-{name}"
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir()
            _, _, printed = _run(code, ["-c", MEASURE, str(work / f"study-{name}"), str(out)], work)
            total, drawing = map(float, printed.split()[-2:])
            rendering = total - drawing
            if best[name] is None or rendering < best[name][0]:
                best[name] = (rendering, total, drawing)
    for name, (rendering, total, drawing) in best.items():
        print(f"rendering CPU, {name}: {rendering:.2f} s ({total:.2f} s after the analyses, less {drawing:.2f} s "
              f"drawing figures), best of {args.runs}")
    print(f"ratio after/before: rendering {best['after'][0] / best['before'][0]:.2f}, "
          f"build --force CPU {builds['after'][0] / builds['before'][0]:.2f}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
