"""A student's "my work" (issue 27): answers, exercises, scores, times and the course version, as HTML and JSON."""

from __future__ import annotations

import base64
import json
import re
from datetime import datetime
from pathlib import Path

import pytest

from spinelab import __version__
from spinelab.course import my_work, quiz
from spinelab.course.progress import ProgressStore
from spinelab.publish import cli

NOTEBOOK = "00_start_here"


@pytest.fixture
def store(tmp_path: Path) -> ProgressStore:
    store = ProgressStore(tmp_path / "progress.json")
    store.record_attempt(NOTEBOOK, "map-order", "False", correct=False)
    store.record_attempt(NOTEBOOK, "map-order", "True", correct=True)
    store.record_attempt(NOTEBOOK, "map-which-notebook", "01 Muscle layers", correct=False)
    store.save_exercise(NOTEBOOK, "half-way", "About 14.4 days <because> ln 2 = 0.69", revealed=True)
    return store


def test_the_work_holds_answers_scores_attempts_times_exercises_and_the_course_version(store: ProgressStore) -> None:
    work = my_work.collect(store, now=datetime(2026, 12, 6, 15, 0))
    assert work["course_version"] == __version__ and work["exported"].startswith("2026-12-06T15:00:00")
    [notebook] = work["notebooks"]
    total = len(quiz.load(NOTEBOOK).questions)
    assert notebook["score"] == {"questions": total, "answered": 2, "correct": 1}
    rows = {row["id"]: row for row in notebook["questions"]}
    assert rows["map-order"]["answer"] == "True" and rows["map-order"]["attempts"] == 2
    assert rows["map-order"]["correct"] is True and rows["map-which-notebook"]["correct"] is False
    assert datetime.fromisoformat(rows["map-order"]["at"]).year >= 2026
    unanswered = [row for row in rows.values() if row["attempts"] == 0]
    assert len(unanswered) == total - 2 and all(row["correct"] is None and row["at"] is None for row in unanswered)
    [exercise] = notebook["exercises"]
    assert exercise["prompt"].startswith("Move the set-up check's slider") and exercise["solution_shown"] is True
    assert exercise["answer"].startswith("About 14.4 days")


def test_the_page_is_self_contained_escapes_what_students_wrote_and_carries_the_json(store: ProgressStore) -> None:
    work = my_work.collect(store)
    page = my_work.to_html(work)
    assert "&lt;because&gt;" in page and "<because>" not in page.split('id="my-work">')[0]
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)  # nothing fetched from elsewhere
    assert "<script src" not in page and "<link" not in page
    embedded = page.split('<script type="application/json" id="my-work">')[1].split("</script>")[0]
    assert json.loads(embedded.replace("<\\/", "</")) == work
    assert "1 correct of" in page and "not correct" in page


def test_an_empty_record_says_what_to_do() -> None:
    work = {"course_version": __version__, "exported": "x", "student": None, "notebooks": []}
    assert "Nothing is kept yet" in my_work.to_html(work)


def test_spinelab_my_work_writes_both_files(store: ProgressStore, tmp_path: Path, capsys) -> None:
    out = tmp_path / "handed-in"
    assert cli.main(["my-work", "--out", str(out), "--progress", str(store.path)]) == 0
    data = json.loads((out / "my-work.json").read_text(encoding="utf-8"))
    assert data["format"] == "spinelab-my-work" and data["notebooks"][0]["notebook"] == NOTEBOOK
    assert (out / "my-work.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "my-work.html" in capsys.readouterr().out


def test_the_notebook_links_carry_the_work_kept_when_the_button_is_pressed(store: ProgressStore) -> None:
    from spinelab.course.my_work_links import links

    shown = links(store)
    assert shown.links.value == ""  # nothing built when the cell runs: no one's work in the notebook's output
    store.record_attempt(NOTEBOOK, "run-before-explore", "True", correct=True)
    shown.button.click()
    encoded = dict(re.findall(r'download="([^"]+)" href="data:[^;]+;charset=utf-8;base64,([^"]+)"', shown.links.value))
    assert set(encoded) == {"my-work.html", "my-work.json"}
    (notebook,) = json.loads(base64.b64decode(encoded["my-work.json"]))["notebooks"]
    assert notebook["score"]["correct"] == 2  # the answer given after the cell ran is in
    assert base64.b64decode(encoded["my-work.html"]).decode().startswith("<!DOCTYPE html>")
