"""benchmarks/process_memory.py: the memory of a command and the processes it forks, counted together."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from process_memory import TreeMemory  # noqa: E402

# A parent and the child it forks each fill 80 MB of their own and hold it for a second together.
TWO_PROCESSES = """
import os, time
pid = os.fork()
block = b"x" * (80 * 2**20)
time.sleep(1.0)
if pid == 0:
    os._exit(0)
os.waitpid(pid, 0)
"""


@pytest.mark.skipif(not Path(f"/proc/{os.getpid()}/smaps_rollup").exists(), reason="Linux's smaps_rollup")
def test_the_memory_of_a_forked_child_is_added_to_its_parents():
    process = subprocess.Popen([sys.executable, "-c", TWO_PROCESSES])
    together = TreeMemory(process.pid, interval=0.02)
    _, status, _ = os.wait4(process.pid, 0)
    peak = together.stop()
    assert os.waitstatus_to_exitcode(status) == 0
    # Both blocks at once (each process alone: one block and an interpreter, under 100 MB). ru_maxrss cannot be
    # compared here: Linux keeps it across exec, so under a large test process it starts at that process's size.
    assert peak >= 160
