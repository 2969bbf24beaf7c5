"""Time ``mixedmethods build`` on the demo and on the issue's three-group study (tests/studygen.py).

The three-group study has its own questionnaire, codebook and constructs, a
French Google Forms export, two Word-comment and two tagged transcripts and
three chats. Prints the best of N runs (fresh processes) of each and the ratio
of the three-group study to the demo, measured in the same run.

    python benchmarks/study_shapes_build.py [--runs 3]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_time import best_of  # noqa: E402
from studygen import make_study  # noqa: E402
from test_done_when_study import DONE_WHEN  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder:
        demo, three = Path(folder) / "demo", Path(folder) / "three"
        subprocess.run(["mixedmethods", "demo", str(demo)], check=True, capture_output=True)
        make_study(three, DONE_WHEN)
        subprocess.run(["mixedmethods", "import", str(three)], check=True, capture_output=True)
        demo_time = best_of(["mixedmethods", "build", str(demo)], runs)
        three_time = best_of(["mixedmethods", "build", str(three)], runs)
    print(f"build, demo (2 groups, 120 respondents, 24 transcripts, 2 chats): {demo_time:.1f} s")
    print(f"build, three-group study (32 respondents, 4 transcripts, 3 chats): {three_time:.1f} s")
    print(f"ratio three-group / demo: {three_time / demo_time:.2f}")


if __name__ == "__main__":
    main()
