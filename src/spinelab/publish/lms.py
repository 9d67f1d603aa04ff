"""The self-checks for a learning-management system: a Canvas QTI package and a Moodle XML bank per notebook.

``make lms`` (``python -m spinelab.publish.lms build/lms``) writes, from the same question data the notebooks
use (``data/selfcheck/<notebook>.toml``, read by :mod:`spinelab.course.quiz`):

- ``build/lms/canvas/<notebook>.zip``: a QTI 1.2 package built by text2qti from its plain-text quiz format, for
  Canvas (Settings → Import Course Content → QTI .zip file);
- ``build/lms/moodle/<notebook>.xml``: a Moodle XML question bank (Question bank → Import → Moodle XML format),
  one category per notebook.

Every question keeps its choices, which are correct, the feedback on each choice, the explanation (with its
sources in words) as general feedback and, for a numeric question, its answer and tolerance. Exercises become
essay questions whose solution is the general feedback (and, in Moodle, the grader's information).

Markdown is converted to HTML here, with mistune as in the notebooks, so both exports carry the same HTML.
text2qti receives that HTML as raw HTML blocks, which Python-Markdown passes through untouched (no smart quotes);
``$`` and ``\\`` are written as character references so that text2qti never reads LaTeX or siunitx in them.
Bad question data (no correct answer, a repeated id, a numeric question without tolerance) is refused by
:mod:`spinelab.course.quiz` with an error naming the file and the question.
"""

from __future__ import annotations

import argparse
import html
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Sequence
from pathlib import Path

import mistune
from text2qti.config import Config
from text2qti.qti import QTI
from text2qti.quiz import Quiz

from spinelab.course import quiz, references
from spinelab.course.text import sanitize_html
from spinelab.publish.licence import CONTENT_LICENCE, QTI_DEFAULT_RIGHTS
from spinelab.publish.outputs import OutputFolderError, claim_folder, refuse

#: The name the LMS exports mark their folder with.
TOOL = "lms"

#: Moodle accepts only these grades (percent) for an answer; a share of 100 % among n answers is one for n ≤ 10.
_MOODLE_GRADES = (100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667, 14.28571,
                  12.5, 11.11111, 10, 5, 0)
#: text2qti refuses numeric ranges whose ends lie closer to zero than this.
_QTI_SMALLEST = 1e-4


# --- shared ---------------------------------------------------------------------------------------------------


def markdown_html(text: str) -> str:
    """The HTML of a Markdown text, as both exports carry it (mistune, as the notebooks' widgets render it)."""
    return sanitize_html(str(mistune.html(text))).strip()


def inline_html(text: str) -> str:
    """The HTML of a short Markdown text such as a choice: without the ``<p>`` around a single paragraph."""
    markup = markdown_html(text)
    if markup.startswith("<p>") and markup.endswith("</p>") and markup.count("<p>") == 1:
        return markup[3:-4]
    return markup


def sources(keys: Sequence[str]) -> str:
    """The sources of a question in words (Markdown): ``Sources:`` and a list of full references, or ""."""
    if not keys:
        return ""
    return "Sources:\n\n" + "\n".join(f"- {references.get(key).full()}" for key in keys)


def general_feedback(explanation: str, citations: Sequence[str]) -> str:
    """General feedback (HTML): the explanation or solution, then its sources in words."""
    return markdown_html("\n\n".join(part for part in (explanation, sources(citations)) if part))


def question_html(question: quiz.Question) -> str:
    """The question text (HTML): the vignette, if any, before the prompt; for a numeric answer, how to type it.

    An LMS reads a bare number (the notebooks also accept ``12,5`` or ``12.5 mm``), so the unit goes in the text.
    """
    parts = [markdown_html(text) for text in (question.vignette, question.prompt) if text]
    if question.kind == "numeric":
        unit = f" (unit: {html.escape(question.unit)})" if question.unit else ""
        parts.append(f"<p><em>Type the number only{unit}, with a point for decimals.</em></p>")
    return "\n".join(parts)


def exercise_html(exercise: quiz.Exercise) -> str:
    """The text of an exercise as an essay question (HTML): its title in bold, then its prompt."""
    return f"<p><strong>{html.escape(exercise.title)}</strong></p>\n{markdown_html(exercise.prompt)}"


def number(value: float) -> str:
    """A number as both exports write it: ``12`` for 12.0, ``0.25`` for 0.25."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def wrong_answer_feedback(question: quiz.Question) -> str:
    """Feedback (HTML) for the anticipated wrong values of a numeric question, one paragraph each."""
    unit = f" {question.unit}" if question.unit else ""
    return "\n".join(markdown_html(f"**If you answered {number(wrong.value)}{unit}:** {wrong.feedback}")
                     for wrong in question.wrong_answers)


# --- Canvas (QTI through text2qti) --------------------------------------------------------------------------------


def _qti_safe(text: str) -> str:
    """HTML that text2qti passes through as is: no ``$`` (LaTeX) or backslash (siunitx, escapes)."""
    return text.replace("$", "&#36;").replace("\\", "&#92;")


def _block(marker: str, text: str) -> list[str]:
    """One element of text2qti's format: the marker, then the text with its continuation lines indented."""
    first, *rest = _qti_safe(text).split("\n")
    return [f"{marker:<4}{first}", *(f"    {line}" if line.strip() else "" for line in rest)]


def _qti_numeric(question: quiz.Question) -> str:
    """text2qti's numeric answer: ``answer +- tolerance``, or a range when an end lies next to zero."""
    low, high = question.answer - question.tolerance, question.answer + question.tolerance
    if min(abs(low), abs(high)) >= _QTI_SMALLEST:
        return f"{number(question.answer)} +- {number(question.tolerance)}"
    # text2qti refuses ends closer to zero than 0.0001: such an end moves out to ±0.0001 (the range only grows).
    low = -_QTI_SMALLEST if abs(low) < _QTI_SMALLEST else low
    high = _QTI_SMALLEST if abs(high) < _QTI_SMALLEST else high
    return f"[{number(low)}, {number(high)}]"


def _qti_question(question: quiz.Question, position: int) -> list[str]:
    """One question in text2qti's format, titled with its id."""
    lines = [f"Title: {question.id}", *_block(f"{position}.", question_html(question)),
             *_block("...", general_feedback(question.explanation, question.citations))]
    if question.kind == "numeric":
        lines += _block("+", markdown_html(question.correct_feedback))
        if question.wrong_answers:
            lines += _block("-", wrong_answer_feedback(question))
        return [*lines, f"=   {_qti_numeric(question)}"]
    for letter, choice in zip("abcdefghijklmnopqrstuvwxyz", question.shown_choices, strict=False):
        if question.kind == "select_all":
            marker = "[*]" if choice.correct else "[ ]"
        else:
            marker = f"{'*' if choice.correct else ''}{letter})"
        # text2qti recognises a true/false question by the plain choice texts True and False; any other text
        # stays a raw HTML block (<p>), which Python-Markdown leaves alone (inline HTML would get smart quotes).
        text = choice.text if question.kind == "true_false" else markdown_html(choice.text)
        lines += [*_block(marker, text), *_block("...", markdown_html(choice.feedback))]
    return lines


def _qti_exercise(exercise: quiz.Exercise, position: int) -> list[str]:
    """One exercise as a text2qti essay question (``____``), its solution as general feedback."""
    return [f"Title: {exercise.id}", *_block(f"{position}.", exercise_html(exercise)),
            *_block("...", general_feedback(exercise.solution, exercise.citations)), "____"]


def canvas_text(check: quiz.SelfCheck) -> str:
    """The self-check in text2qti's plain-text quiz format (its Markdown already converted to HTML).

    Parameters
    ----------
    check : spinelab.course.quiz.SelfCheck
        The questions and exercises of one notebook.

    Returns
    -------
    str
        A quiz titled after the notebook: every question, then every exercise as an essay question.
    """
    lines = [f"Quiz title: Self-check {check.name}",
             f"Quiz description: The self-check questions of notebook {check.name}, with feedback on every answer.",
             ""]
    items = [*check.questions, *check.exercises]
    for position, item in enumerate(items, start=1):
        if isinstance(item, quiz.Exercise):
            lines += [*_qti_exercise(item, position), ""]
        else:
            lines += [*_qti_question(item, position), ""]
    return "\n".join(lines)


def canvas_zip(check: quiz.SelfCheck) -> bytes:
    """The Canvas QTI package (zip bytes) of one notebook's self-check, built by text2qti offline.

    The user's text2qti configuration file is not read: the package depends on the data alone.
    """
    built = QTI(Quiz(canvas_text(check), config=Config(), source_name=f"{check.name}.txt")).zip_bytes()
    return _licensed(built)


def _licensed(package: bytes) -> bytes:
    """The QTI package with the content licence as the manifest's rights description (text2qti's says private).

    Raises
    ------
    RuntimeError
        If the manifest does not hold text2qti's default rights text (an untested text2qti version).
    """
    source, target = io.BytesIO(package), io.BytesIO()
    with zipfile.ZipFile(source) as found, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as written:
        for item in found.infolist():
            data = found.read(item)
            if item.filename == "imsmanifest.xml":
                text = data.decode("utf-8")
                if QTI_DEFAULT_RIGHTS not in text:
                    raise RuntimeError("text2qti's manifest no longer holds its default rights text: update "
                                       "spinelab.publish.lms._licensed for this text2qti version")
                data = text.replace(QTI_DEFAULT_RIGHTS, html.escape(CONTENT_LICENCE)).encode("utf-8")
            written.writestr(item, data)
    return target.getvalue()


# --- Moodle XML ---------------------------------------------------------------------------------------------------


class _Cdata:
    """HTML to write as CDATA: ElementTree cannot, so each text is a placeholder replaced after serialising."""

    def __init__(self) -> None:
        self.texts: dict[str, str] = {}

    def text(self, parent: ET.Element, text: str) -> None:
        """``<text><![CDATA[text]]></text>`` under ``parent``."""
        token = f"@@cdata{len(self.texts)}@@"
        self.texts[token] = "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"
        ET.SubElement(parent, "text").text = token

    def add(self, parent: ET.Element, tag: str, text: str, **attributes: str) -> ET.Element:
        """``<tag format="html"><text><![CDATA[text]]></text></tag>`` under ``parent``."""
        element = ET.SubElement(parent, tag, {"format": "html", **attributes})
        self.text(element, text)
        return element

    def serialise(self, root: ET.Element) -> str:
        ET.indent(root)
        document = ET.tostring(root, encoding="unicode")
        document = re.sub(r"@@cdata\d+@@", lambda match: self.texts[match.group()], document)
        return f'<?xml version="1.0" encoding="UTF-8"?>\n<!-- {CONTENT_LICENCE} -->\n' + document + "\n"


def _plain(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = text
    return element


def _text_element(parent: ET.Element, tag: str, text: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    _plain(element, "text", text)
    return element


def _share(count: int, where: str) -> str:
    """Each of ``count`` answers' share of 100 %, as a grade Moodle accepts."""
    share = round(100 / count, 5)
    if not any(abs(share - grade) < 1e-4 for grade in _MOODLE_GRADES):
        raise ValueError(f"{where}: Moodle cannot share a grade among {count} choices; use at most 10")
    return number(share)


def _moodle_head(cdata: _Cdata, root: ET.Element, kind: str, name: str, text: str, feedback: str,
                 idnumber: str) -> ET.Element:
    """A question's name, text, general feedback, grade and ID number."""
    element = ET.SubElement(root, "question", {"type": kind})
    _text_element(element, "name", name)
    cdata.add(element, "questiontext", text)
    cdata.add(element, "generalfeedback", feedback)
    _plain(element, "defaultgrade", "1")
    _plain(element, "idnumber", idnumber)
    return element


def _moodle_question(cdata: _Cdata, root: ET.Element, question: quiz.Question, where: str) -> None:
    kind = {"multiple_choice": "multichoice", "select_all": "multichoice", "true_false": "truefalse",
            "numeric": "numerical"}[question.kind]
    element = _moodle_head(cdata, root, kind, question.id, question_html(question),
                           general_feedback(question.explanation, question.citations), question.id)
    # Moodle's defaults: a true/false question cannot be retried for credit, the others lose a third per try.
    _plain(element, "penalty", "1" if question.kind == "true_false" else "0.3333333")
    if question.kind == "numeric":
        answers = [(question.answer, "100", question.correct_feedback),
                   *((wrong.value, "0", wrong.feedback) for wrong in question.wrong_answers)]
        for value, fraction, feedback in answers:
            answer = _text_element(element, "answer", number(value), fraction=fraction, format="moodle_auto_format")
            cdata.add(answer, "feedback", markdown_html(feedback))
            # An anticipated wrong value is recognised with the same precision as the answer.
            _plain(answer, "tolerance", number(question.tolerance))
        # Units are not graded (3: no unit box): the question text names the unit and asks for the number only.
        for tag, value in (("unitgradingtype", "0"), ("unitpenalty", "0.1000000"), ("showunits", "3"),
                           ("unitsleft", "0")):
            _plain(element, tag, value)
    elif question.kind == "true_false":
        for choice in question.shown_choices:
            answer = _text_element(element, "answer", choice.text.lower(), fraction="100" if choice.correct else "0",
                                   format="moodle_auto_format")
            cdata.add(answer, "feedback", markdown_html(choice.feedback))
    else:
        single = question.kind == "multiple_choice"
        correct = sum(choice.correct for choice in question.choices)
        right, wrong = ("100", "0") if single else (_share(correct, where),
                                                    "-" + _share(len(question.choices) - correct, where))
        for tag, value in (("single", str(single).lower()), ("shuffleanswers", "true"), ("answernumbering", "abc"),
                           ("showstandardinstruction", "1")):
            _plain(element, tag, value)
        for choice in question.shown_choices:
            answer = ET.SubElement(element, "answer", {"fraction": right if choice.correct else wrong,
                                                       "format": "html"})
            cdata.text(answer, inline_html(choice.text))
            cdata.add(answer, "feedback", markdown_html(choice.feedback))
    _tags(element, question.objectives)


def _tags(element: ET.Element, objectives: Sequence[str]) -> None:
    """The learning objectives an item measures, as Moodle tags (to filter the bank or draw random questions)."""
    tags = ET.SubElement(element, "tags")
    for objective in objectives:
        _text_element(tags, "tag", objective)


def _moodle_exercise(cdata: _Cdata, root: ET.Element, exercise: quiz.Exercise) -> None:
    solution = general_feedback(exercise.solution, exercise.citations)
    element = _moodle_head(cdata, root, "essay", exercise.id, exercise_html(exercise), solution,
                           f"exercise-{exercise.id}")
    for tag, value in (("penalty", "0"), ("responseformat", "editor"), ("responserequired", "1"),
                       ("responsefieldlines", "10"), ("attachments", "0"), ("attachmentsrequired", "0")):
        _plain(element, tag, value)
    cdata.add(element, "graderinfo", solution)
    cdata.add(element, "responsetemplate", "")
    _tags(element, exercise.objectives)


def moodle_xml(check: quiz.SelfCheck) -> str:
    """The Moodle XML question bank of one notebook's self-check.

    Parameters
    ----------
    check : spinelab.course.quiz.SelfCheck
        The questions and exercises of one notebook.

    Returns
    -------
    str
        A ``<quiz>`` document: the category ``spinelab/<notebook>``, then a ``multichoice`` (one correct
        choice, or several for a select-all question: correct choices share 100 %, incorrect ones -100 %),
        ``truefalse`` or ``numerical`` question per question and an ``essay`` question per exercise.

    Raises
    ------
    ValueError
        If a select-all question has more correct or incorrect choices than Moodle can share a grade among.
    """
    cdata = _Cdata()
    root = ET.Element("quiz")
    category = ET.SubElement(root, "question", {"type": "category"})
    _text_element(category, "category", f"$course$/top/spinelab/{check.name}")
    cdata.add(category, "info", f"<p>Self-check questions of notebook {html.escape(check.name)}.</p>")
    for question in check.questions:
        _moodle_question(cdata, root, question, f"{check.source}: question {question.id!r}")
    for exercise in check.exercises:
        _moodle_exercise(cdata, root, exercise)
    return cdata.serialise(root)


# --- files --------------------------------------------------------------------------------------------------------


def write(check: quiz.SelfCheck, folder: Path) -> tuple[Path, Path]:
    """Write ``canvas/<notebook>.zip`` and ``moodle/<notebook>.xml`` under ``folder``; return both paths.

    Raises
    ------
    OutputFolderError
        If ``folder`` holds files the LMS export did not write (:func:`spinelab.publish.outputs.claim_folder`).
    """
    package, bank = canvas_zip(check), moodle_xml(check)
    claim_folder(folder, TOOL)
    canvas, moodle = folder / "canvas" / f"{check.name}.zip", folder / "moodle" / f"{check.name}.xml"
    for path in (canvas, moodle):
        path.parent.mkdir(parents=True, exist_ok=True)
    canvas.write_bytes(package)
    moodle.write_text(bank, encoding="utf-8")
    return canvas, moodle


def write_all(folder: Path, checks: Sequence[quiz.SelfCheck] | None = None) -> list[Path]:
    """Write both exports of every notebook's self-check (or of ``checks``) under ``folder``; return the paths.

    Raises
    ------
    ValueError
        If two files use the same question id (:func:`spinelab.course.quiz.check_course`), before writing anything.
    OutputFolderError
        If ``folder`` holds files the LMS export did not write, before writing anything.
    """
    checks = [quiz.load(name) for name in quiz.available()] if checks is None else list(checks)
    quiz.check_course(checks)
    claim_folder(folder, TOOL)
    return [path for check in checks for path in write(check, folder)]


def main(argv: list[str] | None = None) -> None:
    """Command line: ``python -m spinelab.publish.lms build/lms``."""
    parser = argparse.ArgumentParser(description="Write the self-checks as Canvas QTI packages and Moodle XML banks.")
    parser.add_argument("folder", type=Path)
    try:
        written = write_all(parser.parse_args(argv).folder)
    except OutputFolderError as error:
        refuse("lms", error)
    for path in written:
        print(path)


if __name__ == "__main__":
    main()
