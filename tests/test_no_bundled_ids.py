"""The instruments are the only vocabulary: no id of the bundled questionnaire, codebook or constructs is
written in the package's code (outside the demo generator, which writes the bundled study)."""

from __future__ import annotations

import ast
from pathlib import Path

import yaml

from mixedmethods.resources import instruments_dir

PACKAGE = Path(__file__).resolve().parents[1] / "mixedmethods"
# Words that are ids in the bundled instruments and also the tool's own vocabulary, each for a stated reason.
OWN_WORDS = {
    "group",            # the participants.csv column and the name of a group everywhere in the tool
    "invitation_code",  # a participants.csv column (the bundled questionnaire names its question after it)
    "language",         # a transcript header key and a chat metric column (the bundled choice list 'language')
    "frequency",        # an interview measure (presence, coverage, frequency) and a choice list's name
    "role",             # the questionnaire key `role: profile` (the bundled questionnaire also asks one's role)
    "recommendations",  # the section of the report texts holding the recommendation rules
    "yes", "no", "other", "text", "date",  # XLSForm words
    "en", "fr", "es", "pt", "ar",  # language codes
}


def _bundled_ids() -> set[str]:
    ids: set[str] = set()
    survey = yaml.safe_load((instruments_dir() / "survey.yaml").read_text(encoding="utf-8"))
    ids |= {q["id"] for q in survey["questions"]} | {s["id"] for s in survey["scales"]}
    ids |= set(survey["choice_lists"]) | {str(c["value"]) for lst in survey["choice_lists"].values() for c in lst}

    def codes(items):
        for item in items:
            yield item["id"]
            yield from codes(item.get("codes", []))

    codebook = yaml.safe_load((instruments_dir() / "codebook.yaml").read_text(encoding="utf-8"))
    ids |= set(codes(codebook["codes"]))
    constructs = yaml.safe_load((instruments_dir() / "constructs.yaml").read_text(encoding="utf-8"))
    ids |= {c["id"] for c in constructs["constructs"]}
    return {i for i in ids if not i.isdigit()} - OWN_WORDS


def test_no_bundled_id_is_a_string_in_the_package_outside_the_demo():
    ids = _bundled_ids()
    assert {"speed", "caricom", "training", "security.leaks"} <= ids  # the check knows the bundled ids
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name.startswith("demo"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                # A whole string that is an id, or an id-shaped word (with _ or .) inside a longer text such as
                # a rule or a docstring; plain English words in prose ("speed", "comments") are not ids there.
                words = {node.value} | {w for w in node.value.replace("'", " ").replace('"', " ").replace("$", " ")
                                        .replace("{", " ").replace("}", " ").replace("``", " ").split()
                                        if "_" in w or "." in w.strip(".")}
                for word in sorted(words & ids):
                    found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: {word!r}")
    assert found == []
