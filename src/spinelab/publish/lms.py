"""The self-checks for a learning-management system: Canvas QTI packages and Moodle XML banks per notebook.

``make lms`` (``spinelab lms``, ``python -m spinelab.publish.lms build/lms``) writes, from the same data the notebooks
use (``data/selfcheck/<notebook>.toml`` read by :mod:`spinelab.course.quiz`, ``data/numeric_items.toml`` read by
:mod:`spinelab.clinic.numeric_items`):

- ``build/lms/canvas/<notebook>.zip``: the notebook's practice quiz (unlimited attempts, not counted toward the
  grade), a QTI 1.2 package for Canvas (Settings → Import Course Content → QTI .zip file), with a calculated
  (formula) question per parameterised numeric item (:mod:`spinelab.publish.lms_canvas`);
- ``build/lms/canvas/<notebook>-exercise-<id>.zip``: each exercise as its own graded assignment, an essay question
  with its rubric;
- ``build/lms/moodle/<notebook>.xml``: a Moodle XML question bank (Question bank → Import → Moodle XML format): the
  practice questions and ``calculated`` questions in one category, the exercises in another
  (:mod:`spinelab.publish.lms_moodle`).

``--variant SEED`` writes instead an exam variant: the calculated questions alone, with other numbers drawn from the
seed, under ``canvas/exam-<seed>/`` and ``moodle/exam-<seed>/``. Quiz titles and descriptions are words from
``data/lms.toml`` (:mod:`spinelab.publish.lms_text`), and every quiz names the content licence.

Every question keeps its choices, which are correct, the feedback on each choice, the explanation (with its
sources in words) as general feedback and, for a numeric question, its answer and tolerance. Bad question data
(no correct answer, a repeated id, a numeric question without tolerance) is refused by :mod:`spinelab.course.quiz`
with an error naming the file and the question.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from pathlib import Path

from spinelab.clinic import numeric_items
from spinelab.course import quiz
from spinelab.publish.lms_canvas import canvas_exam_zip, canvas_exercise_zip, canvas_zip
from spinelab.publish.lms_moodle import moodle_exam_xml, moodle_xml
from spinelab.publish.lms_text import (
    check_seed,
    exercise_html,
    exported,
    general_feedback,
    inline_html,
    markdown_html,
    question_html,
)
from spinelab.publish.outputs import OutputFolderError, claim_folder, refuse

#: The exports and the texts they share, as this module has always offered them.
__all__ = ["TOOL", "canvas_exam_zip", "canvas_exercise_zip", "canvas_zip", "exercise_html", "general_feedback",
           "inline_html", "main", "markdown_html", "moodle_exam_xml", "moodle_xml", "question_html", "write",
           "write_all", "write_variant"]

#: The name the LMS exports mark their folder with.
TOOL = "lms"


def write(check: quiz.SelfCheck, folder: Path) -> list[Path]:
    """Write a notebook's exports under ``folder``; return the paths.

    ``canvas/<notebook>.zip`` (the practice quiz), ``canvas/<notebook>-exercise-<id>.zip`` (one assignment per
    exercise) and ``moodle/<notebook>.xml`` (the practice questions and the exercises, in two categories).

    Raises
    ------
    OutputFolderError
        If ``folder`` holds files the LMS export did not write (:func:`spinelab.publish.outputs.claim_folder`).
    """
    files: dict[str, bytes] = {f"canvas/{check.name}.zip": canvas_zip(check)}
    for exercise in check.exercises:
        files[f"canvas/{check.name}-exercise-{exercise.id}.zip"] = canvas_exercise_zip(check, exercise)
    files[f"moodle/{check.name}.xml"] = moodle_xml(check).encode("utf-8")
    return _write_files(folder, files)


def _write_files(folder: Path, files: Mapping[str, bytes]) -> list[Path]:
    claim_folder(folder, TOOL)
    paths = []
    for relative, data in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        paths.append(path)
    return paths


def write_all(folder: Path, checks: Sequence[quiz.SelfCheck] | None = None) -> list[Path]:
    """Write both exports of every notebook's self-check (or of ``checks``) under ``folder``; return the paths.

    Raises
    ------
    ValueError
        If two files use the same question id (:func:`spinelab.course.quiz.check_course`), before writing anything.
    OutputFolderError
        If ``folder`` holds files the LMS export did not write, before writing anything.
    """
    checks = [quiz.load(name) for name in exported()] if checks is None else list(checks)
    quiz.check_course(checks)
    claim_folder(folder, TOOL)
    return [path for check in checks for path in write(check, folder)]


def write_variant(folder: Path, seed: str) -> list[Path]:
    """Write the exam variant ``seed`` of every notebook with numeric items, under ``folder/canvas/exam-<seed>/``
    and ``folder/moodle/exam-<seed>/``; return the paths. Another seed gives other numbers for the same skills.

    Raises
    ------
    ValueError
        Naming ``seed`` if it is not 1 to 40 letters, digits or hyphens, before writing anything.
    OutputFolderError
        If ``folder`` holds files the LMS export did not write, before writing anything.
    """
    seed = check_seed(seed)
    names = sorted({item.notebook for item in numeric_items.templates()})
    files: dict[str, bytes] = {}
    for name in names:
        files[f"canvas/exam-{seed}/{name}.zip"] = canvas_exam_zip(name, seed)
        files[f"moodle/exam-{seed}/{name}.xml"] = moodle_exam_xml(name, seed).encode("utf-8")
    return _write_files(folder, files)


def main(argv: list[str] | None = None) -> None:
    """Command line: ``python -m spinelab.publish.lms build/lms [--variant SEED]``."""
    parser = argparse.ArgumentParser(description="Write the self-checks as Canvas QTI packages and Moodle XML banks.")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--variant", metavar="SEED",
                        help="write only an exam variant: the calculated questions with other numbers, drawn from SEED "
                             "(letters, digits and hyphens; keep it private)")
    arguments = parser.parse_args(argv)
    if arguments.variant is not None:
        try:
            check_seed(arguments.variant)
        except ValueError as error:
            parser.error(str(error))
    try:
        if arguments.variant is None:
            written = write_all(arguments.folder)
        else:
            written = write_variant(arguments.folder, arguments.variant)
    except OutputFolderError as error:
        refuse("lms", error)
    for path in written:
        print(path)


if __name__ == "__main__":
    main()
