"""Class mode keeps self-check progress by the student's pseudonymous id, so a reload (a new kernel) shows it again.

Each "kernel" here is a fresh :class:`~spinelab.course.class_progress.StudentLink` with its own kernel file, as a
class kernel gets from the class's start-up file; the page's script is played by setting the hidden box's value.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest

from spinelab.course import class_progress, selfcheck
from spinelab.course.class_store import VoteRefusedError
from spinelab.course.progress import ProgressStore

STUDENT_A = "a" * 32
STUDENT_B = "b" * 32
QUESTION = "widgets-need-kernel"  # notebook 00, true/false: "False" is correct


def _new_kernel(monkeypatch: pytest.MonkeyPatch, folder: Path, number: int) -> None:
    """What a class kernel's start-up does: the class's folder, and a file of the kernel's own."""
    monkeypatch.setenv(class_progress.ENV, str(folder))
    monkeypatch.setenv("SPINELAB_PROGRESS", str(folder / f"kernel-{number}.json"))
    monkeypatch.setattr(class_progress, "_link", None)


def _page_gives(student: str) -> None:
    link = class_progress.link()
    assert link is not None
    link.widget.value = student


def _question_set() -> selfcheck.QuestionSet:
    return selfcheck.QuestionSet("00_start_here", ids=[QUESTION])


def test_a_students_answers_come_back_in_a_new_kernel_and_not_for_another_student(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "progress"
    _new_kernel(monkeypatch, folder, 1)
    first = _question_set()  # drawn while the kernel preheats: no student yet
    assert class_progress.link().widget in first.view.widget.children
    _page_gives(STUDENT_A)
    first.questions[0].choose("False")
    assert first.questions[0].check() is True

    _new_kernel(monkeypatch, folder, 2)  # the student reloads the page: another kernel, already preheated
    again = _question_set()
    panel = selfcheck.ProgressPanel()
    assert again.questions[0].attempts == 0 and panel.rows()[0][1:3] == (0, 0)
    _page_gives(STUDENT_A)
    item = again.questions[0]
    assert (item.attempts, item.correct, item.options.value.text) == (1, True, "False")
    assert "last answer correct" in item.status.value and again.score_text().startswith("Score: 1 of 1")
    assert panel.rows()[0][:3] == ("00_start_here", 1, 1)
    assert panel.store.path == folder / f"student-{STUDENT_A}.json"

    _new_kernel(monkeypatch, folder, 3)  # another student's page
    other = _question_set()
    _page_gives(STUDENT_B)
    assert other.questions[0].attempts == 0 and other.questions[0].options.value is None
    assert ProgressStore(folder / f"student-{STUDENT_B}.json").question("00_start_here", QUESTION).attempts == 0


def test_a_written_exercise_follows_the_student_without_being_written_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "progress"
    _new_kernel(monkeypatch, folder, 1)
    _page_gives(STUDENT_A)
    selfcheck.show_exercise("00_start_here", "half-way").write("About 14.4 days, because 10 / ln 2.")
    kept = folder / f"student-{STUDENT_A}.json"
    written = kept.read_text()
    _new_kernel(monkeypatch, folder, 2)
    exercise = selfcheck.show_exercise("00_start_here", "half-way")
    assert exercise.answer.value == ""
    _page_gives(STUDENT_A)
    assert exercise.answer.value == "About 14.4 days, because 10 / ln 2." and not exercise.toggle.disabled
    assert kept.read_text() == written  # showing the kept answer did not write it again

    _new_kernel(monkeypatch, folder, 3)  # another student who writes before their page has linked up
    early = selfcheck.show_exercise("00_start_here", "half-way")
    early.write("Written at once.")
    _page_gives(STUDENT_B)
    assert early.answer.value == "Written at once."
    assert ProgressStore(folder / f"student-{STUDENT_B}.json").exercise("00_start_here", "half-way").answer == (
        "Written at once.")


def test_a_malformed_id_from_the_page_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _new_kernel(monkeypatch, tmp_path, 1)
    questions = _question_set()
    for given in ("../../etc/passwd", "short", ""):
        _page_gives(given)
        assert class_progress.link().student is None and questions.store.path == tmp_path / "kernel-1.json"
    with pytest.raises(VoteRefusedError, match="student must be"):
        class_progress.student_path(tmp_path, "../x/../../y")


def test_outside_class_mode_nothing_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(class_progress.ENV, raising=False)
    monkeypatch.setenv("SPINELAB_PROGRESS", str(tmp_path / "own.json"))
    monkeypatch.setattr(class_progress, "_link", None)
    questions = _question_set()
    assert class_progress.link() is None
    assert questions.store.path == tmp_path / "own.json"
    assert not any(class_progress.DOM_CLASS in getattr(child, "_dom_classes", ())
                   for child in questions.view.widget.children)


def _linked_work(html: str) -> dict:
    encoded = re.search(r'download="my-work.json" href="data:[^;]+;charset=utf-8;base64,([^"]+)"', html).group(1)
    return json.loads(base64.b64decode(encoded))


def test_the_my_work_links_follow_the_student_in_class(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from spinelab.course.my_work_links import links

    folder = tmp_path / "progress"
    _new_kernel(monkeypatch, folder, 1)
    _page_gives(STUDENT_A)
    answered = _question_set().questions[0]
    answered.choose("True")
    answered.check()

    _new_kernel(monkeypatch, folder, 2)  # the reloaded page's kernel ran the cell before the student arrived
    shown = links()
    assert class_progress.link().widget in shown.children
    shown.button.click()
    assert _linked_work(shown.links.value)["notebooks"] == []
    _page_gives(STUDENT_A)
    work = _linked_work(shown.links.value)
    assert work["student"] == STUDENT_A
    assert [(row["id"], row["answer"], row["correct"]) for row in work["notebooks"][0]["questions"]
            if row["attempts"]] == [(QUESTION, "True", False)]
    again = _question_set().questions[0]
    again.choose("False")
    again.check()
    shown.button.click()  # the student asks for the latest answers
    assert _linked_work(shown.links.value)["notebooks"][0]["score"]["correct"] == 1
