"""Time ``mixedmethods build`` on the demo study at scale 1 and 10, and ``mixedmethods --help`` start-up.

Kept as the quick check; the work is done by ``build_scaling.py`` (which also
measures peak memory and larger scales):

    PYTHONPATH=. python benchmarks/build_time.py [--runs 3]

is ``build_scaling.py --scales 1,10 --runs 3``. ``best_of`` stays importable
here for the other benchmarks that use it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_scaling import best_of  # noqa: E402,F401  (re-exported: study_shapes_build.py imports it from here)
from build_scaling import main as scaling  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    scaling(["--scales", "1,10", "--runs", str(args.runs)])


if __name__ == "__main__":
    main()
