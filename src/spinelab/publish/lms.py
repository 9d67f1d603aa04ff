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
import hashlib
import html
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import mistune
from text2qti.config import Config
from text2qti.qti import QTI
from text2qti.quiz import Quiz

from spinelab.clinic import numeric_items
from spinelab.clinic.numeric_items import Template
from spinelab.course import datafile, quiz, references
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


def number_hint(unit: str) -> str:
    """How to type a numeric answer (HTML). An LMS reads a bare number, so the unit goes in the text."""
    named = f" (unit: {html.escape(unit)})" if unit else ""
    return f"<p><em>Type the number only{named}, with a point for decimals.</em></p>"


def question_html(question: quiz.Question) -> str:
    """The question text (HTML): the vignette, if any, before the prompt; for a numeric answer, how to type it.

    An LMS reads a bare number (the notebooks also accept ``12,5`` or ``12.5 mm``), so the unit goes in the text.
    """
    parts = [markdown_html(text) for text in (question.vignette, question.prompt) if text]
    if question.kind == "numeric":
        parts.append(number_hint(question.unit))
    return "\n".join(parts)


def exercise_html(exercise: quiz.Exercise) -> str:
    """The text of an exercise as an essay question (HTML): its title in bold, its prompt, then its rubric if any."""
    text = f"<p><strong>{html.escape(exercise.title)}</strong></p>\n{markdown_html(exercise.prompt)}"
    rubric = rubric_html(exercise)
    return f"{text}\n{rubric}" if rubric else text


def _rubric(exercise: quiz.Exercise) -> tuple:
    """An exercise's rubric criteria (``name`` and ``levels`` of ``label``, ``points``, ``descriptor``); () if none."""
    return tuple(getattr(exercise, "rubric", ()) or ())


def rubric_points(exercise: quiz.Exercise) -> float:
    """The points of an answer at the best level of every criterion (0 without a rubric)."""
    return sum(max(level.points for level in criterion.levels) for criterion in _rubric(exercise))


def rubric_html(exercise: quiz.Exercise) -> str:
    """An exercise's analytic rubric as an HTML table (criterion, level, points, descriptor); "" without one."""
    criteria = _rubric(exercise)
    if not criteria:
        return ""
    columns = "".join(f"<th>{html.escape(name)}</th>" for name in _wording()["wording"]["rubric_columns"])
    rows = []
    for criterion in criteria:
        for row, level in enumerate(criterion.levels):
            name = f'<th rowspan="{len(criterion.levels)}">{html.escape(criterion.name)}</th>' if row == 0 else ""
            rows.append(f"<tr>{name}<td>{html.escape(level.label)}</td><td>{number(level.points)}</td>"
                        f"<td>{inline_html(level.descriptor)}</td></tr>")
    caption = wording("rubric_caption", points=number(rubric_points(exercise)))
    return (f"<table><caption>{html.escape(caption)}</caption><thead><tr>{columns}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def number(value: float) -> str:
    """A number as both exports write it: ``12`` for 12.0, ``0.25`` for 0.25."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


# --- wording (data/lms.toml) --------------------------------------------------------------------------------------


@cache
def _wording() -> dict:
    """The exports' titles and descriptions, read from ``data/lms.toml`` on first use.

    Raises
    ------
    ValueError
        As :func:`spinelab.course.datafile.load`, or if a self-check file has no topic.
    """
    data = datafile.load("lms")
    missing = [name for name in quiz.available() if name not in data["topic"]]
    if missing:
        raise ValueError(f"data/lms.toml: topic: {missing[0]!r} is missing (every self-check file needs a topic, "
                         "in words, for its quiz titles)")
    return data


def wording(key: str, **fields: str) -> str:
    """One text of ``[wording]`` in ``data/lms.toml`` with its placeholders filled in."""
    return _wording()["wording"][key].format(**fields)


def topic(name: str) -> str:
    """A notebook's topic in words, as quiz titles name it, e.g. "Muscle layers of the lumbar spine".

    Raises
    ------
    ValueError
        If ``data/lms.toml`` has no topic for ``name``; the message lists the notebooks it has.
    """
    topics = _wording()["topic"]
    if name not in topics:
        raise ValueError(f"name must be one of {', '.join(topics)}; got {name!r}")
    return topics[name]


def practice_title(name: str) -> str:
    """The title of a notebook's practice quiz, e.g. "Muscle layers of the lumbar spine — practice quiz"."""
    return wording("practice_title", topic=topic(name))


def description(key: str) -> str:
    """A quiz description (HTML): the words of ``key`` and the content licence."""
    return f"<p>{html.escape(wording(key))}</p><p><small>{html.escape(CONTENT_LICENCE)}</small></p>"


# --- parameterised numeric items ----------------------------------------------------------------------------------


#: How many sets of numbers each calculated question carries (Moodle's dataset items, Canvas' variable sets).
VAR_SETS = 10
#: The seed of the practice export's numbers; an exam variant draws with the instructor's own seed.
PRACTICE_SEED = "practice"
_SEED = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,39}")


def check_seed(seed: object) -> str:
    """An exam variant's seed, which names its folder: 1 to 40 letters, digits and hyphens, not starting with one.

    Raises
    ------
    ValueError
        Naming ``seed`` and what it may hold.
    """
    if not isinstance(seed, str) or not _SEED.fullmatch(seed):
        raise ValueError(f"seed must be 1 to 40 letters, digits or hyphens (not starting with a hyphen); got {seed!r}")
    return seed


def var_sets(item: Template, seed: str, count: int = VAR_SETS) -> list[dict[str, float]]:
    """The sets of numbers an export carries for an item: drawn from the seed, the same on every computer."""
    return [numeric_items.draw_values(item, f"{seed}|{item.id}|{number}") for number in range(count)]


def calculated_html(item: Template, placeholder: str) -> str:
    """An item's stem as an LMS shows it (HTML): each variable as ``placeholder`` names it, then how to type."""
    stem = re.sub(r"\{([a-z][a-z0-9]*)\}", lambda match: placeholder.format(match[1]), item.stem)
    return f"{markdown_html(stem)}\n{number_hint(item.unit)}"


def canvas_formula(item: Template) -> str:
    """An item's formula in Canvas' syntax: Moodle's ``{name}`` without braces."""
    return re.sub(r"\{([a-z][a-z0-9]*)\}", r"\1", item.formula.expression)


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
    """One exercise as a text2qti essay question (``____``), worth its rubric's points, its solution as general
    feedback."""
    points = rubric_points(exercise)
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
    seed, items = check_seed(seed), _exam_items(name)
    title = wording("exam_title", topic=topic(name), seed=seed)
    text = [*_quiz_head(title, description("exam_description")), f"Text: {number_hint('')}"]
    return _finish(_qti("\n".join([*text, ""]), f"{name}-{seed}.txt"), GRADED,
                   [canvas_calculated(item, f"exam-{seed}") for item in items])


def _exam_items(name: str) -> tuple[Template, ...]:
    items = numeric_items.for_notebook(name)
    if not items:
        with_items = sorted({item.notebook for item in numeric_items.templates()})
        raise ValueError(f"name must be a notebook with numeric items ({', '.join(with_items)}); got {name!r}")
    return items


def canvas_calculated(item: Template, seed: str) -> str:
    """A Canvas ``calculated_question`` item (QTI 1.2 XML, in the assessment's namespace) with its variables,
    formula, tolerance and :data:`VAR_SETS` sets of numbers drawn from ``seed``."""
    ident = "spinelab_" + hashlib.sha256(f"{seed}|{item.id}".encode()).hexdigest()[:32]
    element = ET.Element("item", {"ident": ident, "title": item.id})
    fields = ET.SubElement(ET.SubElement(element, "itemmetadata"), "qtimetadata")
    for label, entry in (("question_type", "calculated_question"), ("points_possible", "1"),
                         ("original_answer_ids", ""), ("assessment_question_identifierref", f"{ident}_ref")):
        field = ET.SubElement(fields, "qtimetadatafield")
        _plain(field, "fieldlabel", label)
        _plain(field, "fieldentry", entry)
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
    _plain(calculated, "answer_tolerance", number(item.tolerance))
    formulas = ET.SubElement(calculated, "formulas", {"decimal_places": str(numeric_items.answer_decimals(item))})
    _plain(formulas, "formula", canvas_formula(item))
    variables = ET.SubElement(calculated, "vars")
    for variable in item.variables:
        var = ET.SubElement(variables, "var", {"name": variable.name, "scale": str(variable.decimals)})
        _plain(var, "min", variable.text(variable.low))
        _plain(var, "max", variable.text(variable.high))
    sets = ET.SubElement(calculated, "var_sets")
    for number_, values in enumerate(var_sets(item, seed)):
        var_set = ET.SubElement(sets, "var_set", {"ident": f"{ident}_{number_}"})
        for variable in item.variables:
            ET.SubElement(var_set, "var", {"name": variable.name}).text = variable.text(values[variable.name])
        _plain(var_set, "answer", number(round(item.answer(values), 6)))
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
    points = rubric_points(exercise)
    if points:
        element.find("defaultgrade").text = number(points)  # type: ignore[union-attr]
    for tag, value in (("penalty", "0"), ("responseformat", "editor"), ("responserequired", "1"),
                       ("responsefieldlines", "10"), ("attachments", "0"), ("attachmentsrequired", "0")):
        _plain(element, tag, value)
    rubric = rubric_html(exercise)
    cdata.add(element, "graderinfo", f"{solution}\n{rubric}" if rubric else solution)
    cdata.add(element, "responsetemplate", "")
    _tags(element, exercise.objectives)


def _moodle_calculated(cdata: _Cdata, root: ET.Element, item: Template, seed: str) -> None:
    """A Moodle ``calculated`` question: the stem with ``{name}`` wildcards, the formula as the answer, and one
    private dataset per variable (its range, decimals and :data:`VAR_SETS` items drawn from ``seed``)."""
    element = _moodle_head(cdata, root, "calculated", item.id, calculated_html(item, "{{{}}}"),
                           general_feedback(item.method, item.citations), item.id)
    for tag, value in (("penalty", "0.3333333"), ("synchronize", "0"), ("single", "0"),
                       ("answernumbering", "abc"), ("shuffleanswers", "0")):
        _plain(element, tag, value)
    answer = ET.SubElement(element, "answer", {"fraction": "100"})
    _plain(answer, "text", item.formula.expression)
    # Tolerance type 2 is nominal (± the tolerance); answer format 1 shows the answer with a number of decimals.
    for tag, value in (("tolerance", number(item.tolerance)), ("tolerancetype", "2"), ("correctanswerformat", "1"),
                       ("correctanswerlength", str(numeric_items.answer_decimals(item)))):
        _plain(answer, tag, value)
    cdata.add(answer, "feedback", "")
    for tag, value in (("unitgradingtype", "0"), ("unitpenalty", "0.1000000"), ("showunits", "3"),
                       ("unitsleft", "0")):
        _plain(element, tag, value)
    definitions = ET.SubElement(element, "dataset_definitions")
    sets = var_sets(item, seed)
    for variable in item.variables:
        definition = ET.SubElement(definitions, "dataset_definition")
        _text_element(definition, "status", "private")
        _text_element(definition, "name", variable.name)
        _plain(definition, "type", "calculated")
        _text_element(definition, "distribution", "uniform")
        _text_element(definition, "minimum", variable.text(variable.low))
        _text_element(definition, "maximum", variable.text(variable.high))
        _text_element(definition, "decimals", str(variable.decimals))
        _plain(definition, "itemcount", str(len(sets)))
        items = ET.SubElement(definition, "dataset_items")
        for position, values in enumerate(sets, start=1):
            dataset_item = ET.SubElement(items, "dataset_item")
            _plain(dataset_item, "number", str(position))
            _plain(dataset_item, "value", variable.text(values[variable.name]))
        _plain(definition, "number_of_items", str(len(sets)))
    _tags(element, (f"bloom-{item.bloom}",))


def _category(cdata: _Cdata, root: ET.Element, title: str, info: str) -> None:
    category = ET.SubElement(root, "question", {"type": "category"})
    _text_element(category, "category", f"$course$/top/{title}")
    cdata.add(category, "info", info)


def moodle_xml(check: quiz.SelfCheck, items: Sequence[Template] | None = None) -> str:
    """The Moodle XML question bank of one notebook's practice quiz and written exercises.

    Parameters
    ----------
    check : spinelab.course.quiz.SelfCheck
        The questions and exercises of one notebook.
    items : sequence of Template, optional
        Its parameterised numeric items; by default the notebook's own.

    Returns
    -------
    str
        A ``<quiz>`` document: a category named after the practice quiz's title, then a ``multichoice`` (one correct
        choice, or several for a select-all question: correct choices share 100 %, incorrect ones -100 %),
        ``truefalse`` or ``numerical`` question per question and a ``calculated`` question per numeric item; then,
        if the notebook has exercises, a category of written exercises with an ``essay`` question each.

    Raises
    ------
    ValueError
        If a select-all question has more correct or incorrect choices than Moodle can share a grade among.
    """
    items = numeric_items.for_notebook(check.name) if items is None else items
    cdata = _Cdata()
    root = ET.Element("quiz")
    _category(cdata, root, practice_title(check.name), description("practice_description"))
    for question in check.questions:
        _moodle_question(cdata, root, question, f"{check.source}: question {question.id!r}")
    for item in items:
        _moodle_calculated(cdata, root, item, PRACTICE_SEED)
    if check.exercises:
        _category(cdata, root, wording("exercise_title", title=topic(check.name)), description("exercise_description"))
    for exercise in check.exercises:
        _moodle_exercise(cdata, root, exercise)
    return cdata.serialise(root)


def moodle_exam_xml(name: str, seed: str) -> str:
    """The exam variant of a notebook's parameterised items as a Moodle XML bank (numbers drawn from ``seed``).

    Raises
    ------
    ValueError
        As :func:`canvas_exam_zip`.
    """
    seed, items = check_seed(seed), _exam_items(name)
    cdata = _Cdata()
    root = ET.Element("quiz")
    _category(cdata, root, wording("exam_title", topic=topic(name), seed=seed), description("exam_description"))
    for item in items:
        _moodle_calculated(cdata, root, item, f"exam-{seed}")
    return cdata.serialise(root)


# --- files --------------------------------------------------------------------------------------------------------


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
    checks = [quiz.load(name) for name in quiz.available()] if checks is None else list(checks)
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
