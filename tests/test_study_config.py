"""A team's own study: groups declared once (or taken from participants.csv), its own sentences and rules,
facts named after its own instruments, figures that keep every group."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
import yaml

from mixedmethods.errors import ConfigError
from mixedmethods.study import default_study_yaml, init_study, load_study


def _study_without_groups(tmp_path: Path, participants: str) -> Path:
    config = default_study_yaml("Pilot")
    del config["groups"]
    root = init_study(tmp_path / "pilot", config)
    (root / "private" / "participants.csv").write_text(participants, encoding="utf-8")
    return root


def test_groups_come_from_participants_csv_when_study_yaml_declares_none(tmp_path: Path):
    root = _study_without_groups(tmp_path, "participant_id,name,phone,email,group,invitation_code\n"
                                           ",Ana,,,south,A1\n,Bo,,,north,B2\n,Cy,,,south,C3\n,Di,,,,D4\n")
    # In order of first appearance; a blank group is no group.
    assert load_study(root).groups == {"south": {"en": "south"}, "north": {"en": "north"}}


def test_a_study_whose_participants_name_no_group_has_one_group(tmp_path: Path):
    root = _study_without_groups(tmp_path, "participant_id,name,phone,email,group,invitation_code\n,Ana,,,,A1\n")
    study = load_study(root)
    assert list(study.groups) == ["participants"] and study.default_group == "participants"
    assert study.group_label("participants", "fr") == "Ensemble des participants"


def test_the_id_all_is_reserved(tmp_path: Path):
    config = default_study_yaml("Pilot")
    config["groups"] = {"all": "Everyone"}
    root = init_study(tmp_path / "pilot", config)
    with pytest.raises(ConfigError, match="group id 'all' is reserved"):
        load_study(root)


def test_a_group_answer_missing_from_study_yaml_is_one_line_naming_both_files(small_study: Path, run):
    path = small_study / "study.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    del config["groups"]["sixth-committee"]
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    result = run("import", small_study)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Error: instruments/survey.yaml: the group question 'group' offers "
                               "'sixth-committee', which is not a group in study.yaml (groups: caricom)")


def test_a_study_overrides_sentences_and_rules_and_keeps_the_rest(tmp_path: Path):
    from mixedmethods.report.texts import Texts

    own = tmp_path / "templates" / "text"
    own.mkdir(parents=True)
    (own / "en.yaml").write_text("whole:\n  summary_title: Key Findings\n"
                                 "recommendations:\n  - {when: '${trust_mean} > 4', text: 'Keep it up.'}\n",
                                 encoding="utf-8")
    texts = Texts("en", study_root=tmp_path)
    assert texts.get("whole.summary_title") == "Key Findings"
    assert texts.get("whole.methods_title") == "Methods"  # not overridden: the bundled sentence
    assert texts.raw("recommendations") == [{"when": "${trust_mean} > 4", "text": "Keep it up."}]
    assert Texts("en").get("whole.summary_title") == "Executive Summary"


def test_recommendation_facts_are_named_after_the_studys_own_instruments():
    from mixedmethods.triangulation.recommendations import draft_recommendations, facts

    survey = SimpleNamespace(statistics={"n": 10}, tables={
        "descriptives": pd.DataFrame({"variable": ["trust", "trust"], "group": ["all", "north"], "M": [3.456, 3.0]}),
        "profile": pd.DataFrame({"question": ["seniority", "seniority", "tools"],
                                 "value": ["junior", "senior", "email"],
                                 "north_n": [3, 2, None], "south_n": [4, 1, 6]})})
    interviews = SimpleNamespace(statistics={"interviewed": 8}, tables={
        "frequencies": pd.DataFrame({"code": ["theme_x", "theme_x.sub_y"], "all_n": [None, 6]})})
    empty = SimpleNamespace(statistics={}, tables={})
    found = facts(survey, interviews, empty, empty, {})
    # By hand: trust mean 3.456 -> 3.46; juniors 3 + 4 of 10 respondents = 70%; seniors 3 of 10 = 30%;
    # 'tools' has a suppressed count (None), so none of its shares is a fact; 6 of 8 interviewees = 75%.
    assert found == {"trust_mean": 3.46, "seniority_junior_pct": 70, "seniority_senior_pct": 30,
                     "theme_x_sub_y_pct": 75}
    rules = [{"when": "${seniority_junior_pct} > 50", "text": "Juniors: {seniority_junior_pct}%."},
             {"when": "${training_yes_pct} < 50", "text": "Never: no such question in this study."}]
    assert draft_recommendations(rules, found) == ["Juniors: 70%."]


def test_line_figures_draw_every_one_of_twelve_groups_in_its_own_style(tmp_path: Path, monkeypatch):
    from mixedmethods.report import figures

    drawn = {}

    def keep(fig, path):
        drawn[path.name] = fig
        return path

    monkeypatch.setattr(figures, "_save", keep)
    labels = [f"Group {i}" for i in range(12)]
    figures.lorenz_curves({g: ([0, 0.5, 1], [0, 0.2 + i / 100, 1]) for i, g in enumerate(labels)},
                          tmp_path / "lorenz.png", "x", "y")
    figures.weekly_volume({g: (["2026-01-05", "2026-01-12"], [i, i + 1]) for i, g in enumerate(labels)},
                          tmp_path / "volume.png", "messages")
    for name in ("lorenz.png", "volume.png"):
        axis = drawn[name].axes[0]
        lines = [line for line in axis.get_lines() if line.get_label() in labels]
        assert [line.get_label() for line in lines] == labels
        looks = {(line.get_color(), line.get_linestyle(), line.get_marker()) for line in lines}
        assert len(looks) == 12
        assert [t.get_text() for t in axis.get_legend().get_texts()] == labels
    figures.activity_grid({g: [[i] * 24] * 7 for i, g in enumerate(labels)}, ["M", "T", "W", "T", "F", "S", "S"],
                          tmp_path / "grid.png")
    panels = [ax for ax in drawn["grid.png"].axes if ax.get_visible() and ax.images]  # not the colour bar
    assert [ax.get_title(loc="left") for ax in panels] == labels
    # One colour scale for every panel.
    assert {ax.images[0].get_clim() for ax in panels} == {(0.0, 11.0)}
