"""The Moodle export: one Moodle XML question bank per notebook (its practice questions, calculated questions and
written exercises), and one per exam variant.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from spinelab.clinic import numeric_items
from spinelab.clinic.numeric_items import Template
from spinelab.course import quiz
from spinelab.publish.licence import CONTENT_LICENCE
from spinelab.publish.lms_text import (
    PRACTICE_SEED,
    calculated_html,
    check_seed,
    description,
    exam_items,
    exercise_html,
    general_feedback,
    inline_html,
    markdown_html,
    number,
    plain,
    practice_title,
    question_html,
    rubric_html,
    text_element,
    topic,
    var_sets,
    wording,
)

#: Moodle accepts only these grades (percent) for an answer; a share of 100 % among n answers is one for n ≤ 10.
_MOODLE_GRADES = (100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667, 14.28571,
                  12.5, 11.11111, 10, 5, 0)

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
    text_element(element, "name", name)
    cdata.add(element, "questiontext", text)
    cdata.add(element, "generalfeedback", feedback)
    plain(element, "defaultgrade", "1")
    plain(element, "idnumber", idnumber)
    return element


def _moodle_question(cdata: _Cdata, root: ET.Element, question: quiz.Question, where: str) -> None:
    kind = {"multiple_choice": "multichoice", "select_all": "multichoice", "true_false": "truefalse",
            "numeric": "numerical"}[question.kind]
    element = _moodle_head(cdata, root, kind, question.id, question_html(question),
                           general_feedback(question.explanation, question.citations), question.id)
    # Moodle's defaults: a true/false question cannot be retried for credit, the others lose a third per try.
    plain(element, "penalty", "1" if question.kind == "true_false" else "0.3333333")
    if question.kind == "numeric":
        answers = [(question.answer, "100", question.correct_feedback),
                   *((wrong.value, "0", wrong.feedback) for wrong in question.wrong_answers)]
        for value, fraction, feedback in answers:
            answer = text_element(element, "answer", number(value), fraction=fraction, format="moodle_auto_format")
            cdata.add(answer, "feedback", markdown_html(feedback))
            # An anticipated wrong value is recognised with the same precision as the answer.
            plain(answer, "tolerance", number(question.tolerance))
        # Units are not graded (3: no unit box): the question text names the unit and asks for the number only.
        for tag, value in (("unitgradingtype", "0"), ("unitpenalty", "0.1000000"), ("showunits", "3"),
                           ("unitsleft", "0")):
            plain(element, tag, value)
    elif question.kind == "true_false":
        for choice in question.shown_choices:
            answer = text_element(element, "answer", choice.text.lower(), fraction="100" if choice.correct else "0",
                                   format="moodle_auto_format")
            cdata.add(answer, "feedback", markdown_html(choice.feedback))
    else:
        single = question.kind == "multiple_choice"
        correct = sum(choice.correct for choice in question.choices)
        right, wrong = ("100", "0") if single else (_share(correct, where),
                                                    "-" + _share(len(question.choices) - correct, where))
        for tag, value in (("single", str(single).lower()), ("shuffleanswers", "true"), ("answernumbering", "abc"),
                           ("showstandardinstruction", "1")):
            plain(element, tag, value)
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
        text_element(tags, "tag", objective)


def _moodle_exercise(cdata: _Cdata, root: ET.Element, exercise: quiz.Exercise) -> None:
    solution = general_feedback(exercise.solution, exercise.citations)
    element = _moodle_head(cdata, root, "essay", exercise.id, exercise_html(exercise), solution,
                           f"exercise-{exercise.id}")
    points = exercise.max_points
    if points:
        element.find("defaultgrade").text = number(points)  # type: ignore[union-attr]
    for tag, value in (("penalty", "0"), ("responseformat", "editor"), ("responserequired", "1"),
                       ("responsefieldlines", "10"), ("attachments", "0"), ("attachmentsrequired", "0")):
        plain(element, tag, value)
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
        plain(element, tag, value)
    _calculated_answer(cdata, element, item, "100", item.formula.expression, "")
    # Each misconception the item names: its wrong value's formula, no credit, and its feedback (Moodle takes the
    # first answer within tolerance, so the correct one wins where they meet).
    for named in item.misconceptions:
        _calculated_answer(cdata, element, item, "0", named.misconception.expression, markdown_html(named.feedback))
    for tag, value in (("unitgradingtype", "0"), ("unitpenalty", "0.1000000"), ("showunits", "3"),
                       ("unitsleft", "0")):
        plain(element, tag, value)
    definitions = ET.SubElement(element, "dataset_definitions")
    sets = var_sets(item, seed)
    for variable in item.variables:
        definition = ET.SubElement(definitions, "dataset_definition")
        text_element(definition, "status", "private")
        text_element(definition, "name", variable.name)
        plain(definition, "type", "calculated")
        text_element(definition, "distribution", "uniform")
        text_element(definition, "minimum", variable.text(variable.low))
        text_element(definition, "maximum", variable.text(variable.high))
        text_element(definition, "decimals", str(variable.decimals))
        plain(definition, "itemcount", str(len(sets)))
        items = ET.SubElement(definition, "dataset_items")
        for position, values in enumerate(sets, start=1):
            dataset_item = ET.SubElement(items, "dataset_item")
            plain(dataset_item, "number", str(position))
            plain(dataset_item, "value", variable.text(values[variable.name]))
        plain(definition, "number_of_items", str(len(sets)))
    _tags(element, (f"bloom-{item.bloom}",))


def _calculated_answer(cdata: _Cdata, element: ET.Element, item: Template, fraction: str, formula: str,
                       feedback: str) -> None:
    answer = ET.SubElement(element, "answer", {"fraction": fraction})
    plain(answer, "text", formula)
    # Tolerance type 2 is nominal (± the tolerance); answer format 1 shows the answer with a number of decimals.
    for tag, value in (("tolerance", number(item.tolerance)), ("tolerancetype", "2"), ("correctanswerformat", "1"),
                       ("correctanswerlength", str(numeric_items.answer_decimals(item)))):
        plain(answer, tag, value)
    cdata.add(answer, "feedback", feedback)


def _category(cdata: _Cdata, root: ET.Element, title: str, info: str) -> None:
    category = ET.SubElement(root, "question", {"type": "category"})
    text_element(category, "category", f"$course$/top/{title}")
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
    seed, items = check_seed(seed), exam_items(name)
    cdata = _Cdata()
    root = ET.Element("quiz")
    _category(cdata, root, wording("exam_title", topic=topic(name), seed=seed), description("exam_description"))
    for item in items:
        _moodle_calculated(cdata, root, item, f"exam-{seed}")
    return cdata.serialise(root)
