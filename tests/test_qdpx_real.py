"""Real REFI-QDA exports, imported the way ``mixedmethods import`` imports them (issue 10, deliverable 7).

Each project file in tests/fixtures/qdpx/real was written by a QDA package
and is published under a permissive licence (tests/fixtures/qdpx/README.md
gives source, commit, licence and the origin of every expected count). The
expected counts come from a peer's published validation of the same file,
and are checked again here by counting elements with ElementTree, which
does not go through our reader. Exports published without their source
texts get stand-in texts, so only counts, names and coders are checked, not
quoted words.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from mixedmethods.interviews.readers import read_interview_files

REAL = Path(__file__).parent / "fixtures" / "qdpx" / "real"
NS = "{urn:QDA-XML:project:1.0}"
STAND_IN = "".join(f"stand-in line {n:03d}: the export was published without its source texts.\n"
                   for n in range(40))  # 2,600 characters, past every selection of the files below

# Expected counts per file. Peer: "QDPX interoperability - validation record" of QualCanvas, section
# "2. ATLAS.ti 8.4.0 (macOS)", for the file with SHA-256 3c7f40b6... (text sources 6, selections 6, code
# references 7, total codes 14; unsupported: 1 picture, 2 PDF, 1 audio, 2 video sources). Users and the
# codes and coders per coding: by hand from the file.
CASES = [
    pytest.param("atlasti-8.4-standard-project.qde", {
        "sources": 6, "selections": 6, "codings": 7, "codes": 14, "users": 3,
        # Coded selections in them, by hand: 1 picture, 4 PDF and 2 in the PDF's text representation, 1 video.
        "skipped": "skipped 6 sources that are not text (1 picture, 2 PDF, 1 audio, 2 video) and their 8 coded",
        "coders": {"Friedrich Markgraf"},
        "coded": {("1994 Diet Coke-Diet Coke Break.docx", "Coke::diet Coke", 139, 195),
                  ("Mabel.txt", "bacon and eggs", 0, 410), ("Mabel.txt", "cornflakes", 0, 410),
                  ("Mabel.txt", "happiness", 0, 410), ("Simon.docx", "bacon and eggs", 688, 907),
                  ("Simon.docx", "Feelings", 215, 275), ("Simon.docx", "happiness", 513, 907)},
    }, id="ATLAS.ti-8.4-macOS"),
]


def counted_by_elementtree(qde: bytes) -> dict[str, int]:
    """The counts of a project file, by plain element counting (not our reader)."""
    root = ET.fromstring(qde)
    texts = root.find(f"{NS}Sources").findall(f"{NS}TextSource")
    selections = [s for t in texts for s in t.findall(f"{NS}PlainTextSelection")]
    return {"sources": len(texts), "selections": len(selections),
            "codings": sum(len(s.findall(f"{NS}Coding")) for s in selections),
            "codes": len(list(root.find(f"{NS}CodeBook").iter(f"{NS}Code"))),
            "users": len(root.find(f"{NS}Users"))}


def as_qdpx(fixture: str, folder: Path) -> Path:
    """The .qdpx the package wrote: the project file and, where the export left them out, stand-in texts."""
    qde = (REAL / fixture).read_bytes()
    target = folder / (Path(fixture).stem + ".qdpx")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", qde)
        for source in ET.fromstring(qde).iter(f"{NS}TextSource"):
            member = "Sources/" + source.get("plainTextPath").split("://", 1)[1]
            if member not in archive.namelist():
                archive.writestr(member, STAND_IN.encode("utf-8"))
    return target


@pytest.mark.parametrize("fixture, expected", CASES)
def test_real_export_counts(tmp_path: Path, fixture: str, expected: dict):
    assert counted_by_elementtree((REAL / fixture).read_bytes()) == {
        k: expected[k] for k in ("sources", "selections", "codings", "codes", "users")}
    path = as_qdpx(fixture, tmp_path)
    with pytest.warns(UserWarning, match=expected["skipped"].replace("(", r"\(").replace(")", r"\)")):
        transcripts, orphans = read_interview_files([path], lambda p: p.name)  # what `import` calls
    assert orphans == []
    assert len(transcripts) == expected["sources"]
    segments = [(t.name, s) for t in transcripts for s in t.segments]
    assert len(segments) == expected["codings"]
    assert {s.coder for _, s in segments} == expected["coders"]
    assert {(name, s.code, s.start, s.end) for name, s in segments} == expected["coded"]


@pytest.mark.parametrize("fixture, expected", CASES)
def test_real_export_through_import_and_status(small_study: Path, run, fixture: str, expected: dict):
    # The study's codebook holds the project's code names as labels, so every coding is stored.
    qde = ET.fromstring((REAL / fixture).read_bytes())
    names = sorted({c.get("name") for c in qde.iter(f"{NS}Code")})
    lines = ["id: real", 'version: "1"', "languages: [en]", "codes:"]
    lines += [f"  - id: c{n}\n    label: {{en: {json.dumps(name, ensure_ascii=False)}}}"
              for n, name in enumerate(names)]
    (small_study / "instruments" / "codebook.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    as_qdpx(fixture, small_study / "data" / "interviews")
    with pytest.warns(UserWarning, match="sources that are not text"):
        result = run("import", small_study)
    assert result.exit_code == 0, result.output
    counts = json.loads(run("status", small_study, "--json").output)
    assert counts["interviews"] == {"sources": expected["sources"], "segments": expected["codings"]}
    assert counts["rejects"]["value"] == 0
