"""The voice of the course: student-facing text talks about the science, never about how the course was written.

Provenance (what was read where, what could not be found) belongs in the data's ``verified`` fields and in the
instructor-facing ``docs/sources.md``; this test reads everything a student can see and fails on such phrases.
"""

import json
import re
import tomllib
from pathlib import Path

import pytest

from spinelab.clinic import red_flags
from spinelab.guarding import treatments
from spinelab.multifidus import evidence_figures, studies
from spinelab.publish import handouts
from spinelab.publish.notebooks import course_notebooks

ROOT = Path(__file__).resolve().parents[1]
PROVENANCE = re.compile(
    r"could not (?:be )?(?:read|find|open|retrieve|verify|check)|we could|couldn't|not verified|was not read|"
    r"were not read|not available to us|while this notebook|was not retrieved|were not retrieved|research highlight|"
    r"commonly listed|for this course\b|we read|the paper itself|not checked",
    re.IGNORECASE,
)


def _notebook_texts(path: Path) -> list[str]:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    texts = [json.dumps(notebook.get("metadata", {}))]  # widget state: quiz feedback, checklist notes
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            texts.append("".join(cell["source"]))
        for output in cell.get("outputs", []):
            texts.append("".join(output.get("text", "")))
            texts += ["".join(value) if isinstance(value, list) else str(value)
                      for kind, value in output.get("data", {}).items() if kind.startswith("text/")]
    return texts


def _student_strings(value: object, field: str = "") -> list[str]:
    """Every string in a data file shown to students, except provenance fields."""
    if isinstance(value, dict):
        return [text for key, item in value.items() if key != "verified" for text in _student_strings(item, key)]
    if isinstance(value, list):
        return [text for item in value for text in _student_strings(item, field)]
    return [value] if isinstance(value, str) else []


@pytest.mark.parametrize("path", course_notebooks(), ids=lambda path: path.name)
def test_notebooks_speak_about_the_science_not_about_their_writing(path):
    for text in _notebook_texts(path):
        match = PROVENANCE.search(text)
        assert match is None, f"{path.name}: ...{text[max(0, match.start() - 80):match.end() + 40]}..."


def test_self_checks_and_data_shown_to_students_have_no_provenance_talk():
    data = ROOT / "src/spinelab/data"
    files = [*data.glob("selfcheck/*.toml"), *data.glob("cases/*.toml"), data / "start_back.toml",
             data / "yellow_flags.toml", data / "wording.toml", data / "layer_step.toml"]
    shown = [text for path in sorted(files)
             for text in _student_strings(tomllib.loads(path.read_text(encoding="utf-8")))]
    shown += [studies.describe(), treatments.evidence_table(), red_flags.RULE, red_flags.DISCLAIMER,
              *red_flags.notes(), evidence_figures.prognosis_summary()]
    shown += [red_flags.screen([item.name]).message for item in red_flags.flags()]
    shown += [handout.shows for handout in handouts.HANDOUTS]
    for text in shown:
        match = PROVENANCE.search(text)
        assert match is None, f"...{text[max(0, match.start() - 80):match.end() + 40]}..."

