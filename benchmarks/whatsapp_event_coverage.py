"""Per locale: how many of WhatsApp's system-event strings (mixedmethods/chats/whatsapp_events.json) each
version of the patterns names with the right event.

    python benchmarks/whatsapp_event_coverage.py [--old-ref cb030c6]

Each template is rendered with sample names and given to ``system_event`` of this checkout ("now") and of the
patterns.py of ``--old-ref`` (read with git show, "before"). A string counts when the event named is the
table's; an event counts when all of its strings do.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ["Zoë Müller", "+1 246 555 0101", "Club 2024"]


def render(template: str) -> str:
    given = iter(SAMPLES)
    return re.sub(r"%(?:(\d+)\$)?[sd]",
                  lambda m: SAMPLES[(int(m.group(1)) - 1) % 3] if m.group(1) else next(given), template)


def old_system_event(ref: str):
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{ref}:mixedmethods/chats/patterns.py"],
                            check=True, capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "old_patterns.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("old_patterns", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.system_event


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old-ref", default="cb030c6")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from mixedmethods.chats.patterns import event_table, system_event

    before = old_system_event(args.old_ref)
    total = [0, 0, 0]
    print(f"{'locale':8} {'strings':>7} {'before':>7} {'now':>7} | {'events':>6} {'before':>7} {'now':>7}  "
          "(an event counts when all its strings are named)")
    for locale, spec in event_table()["locales"].items():
        cases = [(event, render(t)) for event, templates in spec["events"].items() for t in templates]
        old = [before(text) == event for event, text in cases]
        new = [system_event(text) == event for event, text in cases]
        total = [total[0] + len(cases), total[1] + sum(old), total[2] + sum(new)]
        events = list(spec["events"])
        old_events = sum(all(ok for (e, _), ok in zip(cases, old) if e == event) for event in events)
        new_events = sum(all(ok for (e, _), ok in zip(cases, new) if e == event) for event in events)
        print(f"{locale:8} {len(cases):7d} {sum(old):7d} {sum(new):7d} | {len(events):6d} {old_events:7d} "
              f"{new_events:7d}")
    print(f"{'all':8} {total[0]:7d} {total[1]:7d} {total[2]:7d}")


if __name__ == "__main__":
    main()
