"""The wheel carries the instruments and templates: install it in a fresh venv and run init from it."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_installs_and_init_works_from_it(tmp_path: Path):
    pytest.importorskip("build")
    pytest.importorskip("hatchling")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path / "dist"),
                    str(ROOT)], check=True, capture_output=True)
    wheel = next((tmp_path / "dist").glob("mixedmethods-*.whl"))
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
                   check=True, capture_output=True)
    # Dependencies come from this test's environment; mixedmethods itself only from the wheel.
    env = dict(os.environ, PYTHONPATH=sysconfig.get_paths()["purelib"])
    where = subprocess.run([str(python), "-c", "import mixedmethods.resources as r; print(r.instruments_dir())"],
                           check=True, capture_output=True, text=True, env=env, cwd=tmp_path).stdout.strip()
    assert where.startswith(str(env_dir)) and where.endswith("mixedmethods/_data/instruments")
    result = subprocess.run([str(env_dir / "bin" / "mixedmethods"), "init", str(tmp_path / "study")],
                            capture_output=True, text=True, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "study" / "instruments" / "survey.yaml").read_bytes() == \
        (ROOT / "instruments" / "survey.yaml").read_bytes()
    assert (tmp_path / "study" / "private" / "secret.key").exists()
    templates = Path(where).parent / "templates"
    assert (templates / "report.docx").is_file() and (templates / "text" / "fr.yaml").is_file()
