"""The Canvas export: one QTI 1.2 package per quiz, built by text2qti from its plain-text quiz format, finished here.

text2qti receives the questions' HTML as raw HTML blocks, which Python-Markdown passes through untouched (no smart
quotes); ``$`` and ``\\`` are written as character references so that text2qti never reads LaTeX or siunitx in them.
The package is then finished (:func:`_finish`): the content licence as its rights, Canvas' quiz settings (a
practice quiz or a graded one) and the calculated questions text2qti cannot write (:func:`canvas_calculated`).
"""

from __future__ import annotations

import hashlib
import html
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

from text2qti.config import Config
from text2qti.qti import QTI
from text2qti.quiz import Quiz

from spinelab.clinic import numeric_items
from spinelab.clinic.numeric_items import Template
from spinelab.course import quiz
from spinelab.publish.licence import CONTENT_LICENCE, QTI_DEFAULT_RIGHTS
from spinelab.publish.lms_text import (
    PRACTICE_SEED,
    calculated_html,
    canvas_formula,
    check_seed,
    description,
    exam_items,
    exercise_html,
    general_feedback,
    markdown_html,
    number,
    number_hint,
    plain,
    practice_title,
    question_html,
    topic,
    var_sets,
    wording,
    wrong_answer_feedback,
)

#: text2qti refuses numeric ranges whose ends lie closer to zero than this.
_QTI_SMALLEST = 1e-4

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
    """One exercise as a text2qti essay question (``____``), worth its rubric's points, its solution as general
    feedback."""
    points = exercise.max_points
    return [f"Title: {exercise.id}", *([f"Points: {number(points)}"] if points else []),
            *_block(f"{position}.", exercise_html(exercise)),
            *_block("...", general_feedback(exercise.solution, exercise.citations)), "____"]


def _quiz_head(title: str, description_html: str) -> list[str]:
    return [f"Quiz title: {title}", f"Quiz description: {_qti_safe(description_html)}", ""]


def canvas_text(check: quiz.SelfCheck) -> str:
    """The practice quiz of a notebook in text2qti's plain-text format (its Markdown already converted to HTML).

    Parameters
    ----------
    check : spinelab.course.quiz.SelfCheck
        The questions of one notebook (its exercises are separate assignments: :func:`canvas_exercise_zip`).

    Returns
    -------
    str
        A quiz titled with the notebook's topic in words, with every question.
    """
    lines = _quiz_head(practice_title(check.name), description("practice_description"))
    for position, question in enumerate(check.questions, start=1):
        lines += [*_qti_question(question, position), ""]
    return "\n".join(lines)


@dataclass(frozen=True)
class QuizSettings:
    """The Canvas quiz settings a package carries.

    Attributes
    ----------
    quiz_type : str
        ``"practice_quiz"`` or ``"assignment"`` (graded).
    attempts : int
        Attempts allowed; -1 for unlimited.
    counted : bool
        Whether the quiz counts toward the final grade.
    """

    quiz_type: str
    attempts: int
    counted: bool


#: A practice quiz: unlimited attempts, not counted toward the grade.
PRACTICE = QuizSettings("practice_quiz", -1, counted=False)
#: A graded assignment with one attempt (an exam variant, a written exercise).
GRADED = QuizSettings("assignment", 1, counted=True)


def _qti(text: str, source: str) -> bytes:
    """text2qti's package of a quiz text, built offline (the user's text2qti configuration file is not read)."""
    return QTI(Quiz(text, config=Config(), source_name=source)).zip_bytes()


def canvas_zip(check: quiz.SelfCheck, items: Sequence[Template] | None = None) -> bytes:
    """The Canvas QTI package (zip bytes) of one notebook's practice quiz.

    Parameters
    ----------
    check : spinelab.course.quiz.SelfCheck
        The notebook's questions.
    items : sequence of Template, optional
        Its parameterised numeric items, as calculated questions at the end; by default the notebook's own
        (:func:`spinelab.clinic.numeric_items.for_notebook`).
    """
    items = numeric_items.for_notebook(check.name) if items is None else items
    return _finish(_qti(canvas_text(check), f"{check.name}.txt"), PRACTICE,
                   [canvas_calculated(item, PRACTICE_SEED) for item in items])


def canvas_exercise_zip(check: quiz.SelfCheck, exercise: quiz.Exercise) -> bytes:
    """One exercise as its own Canvas assignment (a one-question quiz): the essay, its rubric and its solution."""
    text = _quiz_head(wording("exercise_title", title=exercise.title), description("exercise_description"))
    return _finish(_qti("\n".join([*text, *_qti_exercise(exercise, 1), ""]), f"{check.name}-{exercise.id}.txt"),
                   GRADED, [])


def canvas_exam_zip(name: str, seed: str) -> bytes:
    """The exam variant of a notebook's parameterised items: calculated questions with numbers from ``seed``.

    Raises
    ------
    ValueError
        Naming ``seed`` if it is not 1 to 40 letters, digits or hyphens, or ``name`` if the notebook has no items.
    """
    seed, items = check_seed(seed), exam_items(name)
    title = wording("exam_title", topic=topic(name), seed=seed)
    text = [*_quiz_head(title, description("exam_description")), f"Text: {number_hint('')}"]
    return _finish(_qti("\n".join([*text, ""]), f"{name}-{seed}.txt"), GRADED,
                   [canvas_calculated(item, f"exam-{seed}") for item in items])


def canvas_calculated(item: Template, seed: str) -> str:
    """A Canvas ``calculated_question`` item (QTI 1.2 XML, in the assessment's namespace) with its variables,
    formula, tolerance and :data:`VAR_SETS` sets of numbers drawn from ``seed``."""
    ident = "spinelab_" + hashlib.sha256(f"{seed}|{item.id}".encode()).hexdigest()[:32]
    element = ET.Element("item", {"ident": ident, "title": item.id})
    fields = ET.SubElement(ET.SubElement(element, "itemmetadata"), "qtimetadata")
    for label, entry in (("question_type", "calculated_question"), ("points_possible", "1"),
                         ("original_answer_ids", ""), ("assessment_question_identifierref", f"{ident}_ref")):
        field = ET.SubElement(fields, "qtimetadatafield")
        plain(field, "fieldlabel", label)
        plain(field, "fieldentry", entry)
    presentation = ET.SubElement(element, "presentation")
    ET.SubElement(ET.SubElement(presentation, "material"), "mattext",
                  {"texttype": "text/html"}).text = calculated_html(item, "[{}]")
    response = ET.SubElement(presentation, "response_str", {"ident": "response1", "rcardinality": "Single"})
    ET.SubElement(ET.SubElement(response, "render_fib", {"fibtype": "Decimal"}), "response_label",
                  {"ident": "answer1"})
    processing = ET.SubElement(element, "resprocessing")
    ET.SubElement(ET.SubElement(processing, "outcomes"), "decvar",
                  {"maxvalue": "100", "minvalue": "0", "varname": "SCORE", "vartype": "Decimal"})
    for title, score in (("correct", "100"), ("incorrect", "0")):
        condition = ET.SubElement(processing, "respcondition", {"title": title})
        test = ET.SubElement(condition, "conditionvar")
        ET.SubElement(test if title == "correct" else ET.SubElement(test, "not"), "other")
        ET.SubElement(condition, "setvar", {"varname": "SCORE", "action": "Set"}).text = score
    calculated = ET.SubElement(ET.SubElement(element, "itemproc_extension"), "calculated")
    plain(calculated, "answer_tolerance", number(item.tolerance))
    formulas = ET.SubElement(calculated, "formulas", {"decimal_places": str(numeric_items.answer_decimals(item))})
    plain(formulas, "formula", canvas_formula(item))
    variables = ET.SubElement(calculated, "vars")
    for variable in item.variables:
        var = ET.SubElement(variables, "var", {"name": variable.name, "scale": str(variable.decimals)})
        plain(var, "min", variable.text(variable.low))
        plain(var, "max", variable.text(variable.high))
    sets = ET.SubElement(calculated, "var_sets")
    for number_, values in enumerate(var_sets(item, seed)):
        var_set = ET.SubElement(sets, "var_set", {"ident": f"{ident}_{number_}"})
        for variable in item.variables:
            ET.SubElement(var_set, "var", {"name": variable.name}).text = variable.text(values[variable.name])
        plain(var_set, "answer", number(round(item.answer(values), 6)))
    feedback = ET.SubElement(element, "itemfeedback", {"ident": "general_fb"})
    ET.SubElement(ET.SubElement(ET.SubElement(feedback, "flow_mat"), "material"), "mattext",
                  {"texttype": "text/html"}).text = general_feedback(item.method, item.citations)
    ET.indent(element, level=3)
    return ET.tostring(element, encoding="unicode") + "\n    "


def _replace(text: str, pattern: str, new: str, what: str) -> str:
    """``text`` with every match of ``pattern`` replaced; a RuntimeError if there is none (an untested text2qti)."""
    changed, count = re.subn(pattern, new, text)
    if not count:
        raise RuntimeError(f"text2qti's package no longer holds {what}: update spinelab.publish.lms._finish for this "
                           "text2qti version")
    return changed


def _finish(package: bytes, settings: QuizSettings, items: Sequence[str]) -> bytes:
    """text2qti's package with the content licence, the quiz settings and ``items`` added at the end of the quiz.

    The manifest's rights description becomes the content licence (text2qti's says private); the assessment's
    ``cc_maxattempts`` and Canvas' ``assessment_meta.xml`` (quiz type, allowed attempts, points) follow
    ``settings``; each added item is worth one point.

    Raises
    ------
    RuntimeError
        If the package does not hold what text2qti writes (an untested text2qti version).
    """
    attempts = "unlimited" if settings.attempts < 0 else str(settings.attempts)
    source, target = io.BytesIO(package), io.BytesIO()
    with zipfile.ZipFile(source) as found, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as written:
        for entry in found.infolist():
            data = found.read(entry)
            name = entry.filename
            if name == "imsmanifest.xml":
                data = _replace(data.decode("utf-8"), re.escape(QTI_DEFAULT_RIGHTS), html.escape(CONTENT_LICENCE),
                                "its default rights text").encode("utf-8")
            elif name.endswith("/assessment_meta.xml"):
                text = data.decode("utf-8")
                text = _replace(text, r"<quiz_type>[^<]*</quiz_type>", f"<quiz_type>{settings.quiz_type}</quiz_type>",
                                "a quiz type")
                text = _replace(text, r"<allowed_attempts>[^<]*</allowed_attempts>",
                                f"<allowed_attempts>{settings.attempts}</allowed_attempts>", "allowed attempts")
                text = _replace(text, r"<omit_from_final_grade>[^<]*</omit_from_final_grade>",
                                f"<omit_from_final_grade>{str(not settings.counted).lower()}</omit_from_final_grade>",
                                "whether the quiz counts")
                text = _replace(text, r"<points_possible>([^<]*)</points_possible>",
                                lambda match: f"<points_possible>{float(match[1]) + len(items):.1f}</points_possible>",
                                "points possible")
                data = text.encode("utf-8")
            elif name.endswith(".xml") and "/" in name:
                text = _replace(data.decode("utf-8"),
                                r"(<fieldlabel>cc_maxattempts</fieldlabel>\s*<fieldentry>)[^<]*(</fieldentry>)",
                                rf"\g<1>{attempts}\g<2>", "cc_maxattempts")
                data = _replace(text, r"</section>", lambda _match: "".join(items) + "</section>",
                                "a section").encode("utf-8")
            written.writestr(entry, data)
    return target.getvalue()
