"""What both LMS exports share: Markdown as HTML, question and exercise texts, rubrics, the quizzes' wording
(``data/lms.toml``) and the numbers drawn for calculated questions (used by :mod:`spinelab.publish.lms`).

Markdown is converted to HTML here, with mistune as in the notebooks, so both exports carry the same HTML.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from functools import cache

import mistune

from spinelab.clinic import numeric_items
from spinelab.clinic.numeric_items import Template
from spinelab.course import datafile, quiz, references
from spinelab.course.text import sanitize_html
from spinelab.publish.licence import CONTENT_LICENCE


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
    return f"{wording('sources_heading')}\n\n" + "\n".join(f"- {references.get(key).full()}" for key in keys)


def general_feedback(explanation: str, citations: Sequence[str]) -> str:
    """General feedback (HTML): the explanation or solution, then its sources in words."""
    return markdown_html("\n\n".join(part for part in (explanation, sources(citations)) if part))


def number_hint(unit: str) -> str:
    """How to type a numeric answer (HTML). An LMS reads a bare number, so the unit goes in the text."""
    named = wording("number_unit", unit=unit) if unit else ""
    return f"<p><em>{html.escape(wording('number_hint', unit=named))}</em></p>"


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


def rubric_html(exercise: quiz.Exercise) -> str:
    """An exercise's analytic rubric as an HTML table (criterion, level, points, descriptor); "" without one."""
    criteria = exercise.rubric
    if not criteria:
        return ""
    columns = "".join(f"<th>{html.escape(name)}</th>" for name in _wording()["wording"]["rubric_columns"])
    rows = []
    for criterion in criteria:
        for row, level in enumerate(criterion.levels):
            name = f'<th rowspan="{len(criterion.levels)}">{html.escape(criterion.name)}</th>' if row == 0 else ""
            rows.append(f"<tr>{name}<td>{html.escape(level.label)}</td><td>{number(level.points)}</td>"
                        f"<td>{inline_html(level.descriptor)}</td></tr>")
    caption = wording("rubric_caption", points=number(exercise.max_points))
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
    missing = [name for name in quiz.available() if name not in data["topic"] and name not in data.get("leave_out", ())]
    if missing:
        raise ValueError(f"data/lms.toml: topic: {missing[0]!r} is missing (every self-check file needs a topic, "
                         "in words, for its quiz titles)")
    return data


def exported() -> list[str]:
    """The self-check files an LMS export holds: every one but those about using the notebooks (``leave_out``)."""
    return [name for name in quiz.available() if name not in _wording().get("leave_out", ())]


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
    return "\n".join(markdown_html(wording("wrong_answer", value=f"{number(wrong.value)}{unit}",
                                            feedback=wrong.feedback))
                     for wrong in question.wrong_answers)


def exam_items(name: str) -> tuple[Template, ...]:
    """The parameterised items of a notebook an exam variant holds.

    Raises
    ------
    ValueError
        If the notebook has none; the message lists those that have.
    """
    items = numeric_items.for_notebook(name)
    if not items:
        with_items = sorted({item.notebook for item in numeric_items.templates()})
        raise ValueError(f"name must be a notebook with numeric items ({', '.join(with_items)}); got {name!r}")
    return items


def plain(parent: ET.Element, tag: str, text: str) -> ET.Element:
    """``<tag>text</tag>`` under ``parent``."""
    element = ET.SubElement(parent, tag)
    element.text = text
    return element


def text_element(parent: ET.Element, tag: str, text: str, **attributes: str) -> ET.Element:
    """``<tag><text>text</text></tag>`` under ``parent``."""
    element = ET.SubElement(parent, tag, attributes)
    plain(element, "text", text)
    return element
