"""How long a notebook takes a student: its core, and the core with every optional part.

A path's time is its words at :data:`WORDS_PER_MINUTE`, plus a minute per widget interaction and a minute per
question (:class:`Load`). What counts:

* **Markdown** a student reads: headings, text, lists, tables and maths; not HTML comments, tags, image alt texts
  or link targets. The top line this module writes (:func:`stamped`; its words are ``[reading_time]`` of
  ``data/wording.toml``) is not counted.
* **Outputs**, one representation each, as JupyterLab shows it: ``stream`` text; ``text/markdown`` when an output
  has it, else ``text/plain``. An output whose ``text/plain`` line starts with a tag such as ``[Interactive
  figure]`` is a widget: one interaction (``[Figure]`` is a still picture).
* **Self-checks**, read from the code: ``show_questions`` counts each question shown (vignette, prompt, choices;
  a minute each), ``show_exercise`` the exercise's title and prompt (a minute).
* **Cases**: ``CasePlayer("id")`` counts the text a student reads on the case's concordant path (each step's text,
  question, choices and the best choice's feedback, then the ending), and a minute per decision.

The **core** is everything outside the optional parts. An optional part is a section whose heading starts with
one of :data:`OPTIONAL_PARTS` (it runs to the next heading of the same or a higher level that is not optional),
or a ``<details>`` block (closed until a student opens it). Reference lists are not read and not counted.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import nbformat

from spinelab.clinic import cases
from spinelab.clinic.case_graph import available
from spinelab.course import quiz, wording

WORDS_PER_MINUTE = 200
MINUTES_PER_INTERACTION = 1
MINUTES_PER_QUESTION = 1
#: Headings that open a part a student can skip without losing the thread.
OPTIONAL_PARTS = ("Go deeper", "Practice", "For the clinic")
#: The longest core a notebook may have, in minutes.
MAX_CORE_MINUTES = 20

_HEADING = re.compile(r"^(#{1,6})\s+(.*)$", re.MULTILINE)
_DETAILS = re.compile(r"<details\b|</details\s*>", re.IGNORECASE)
_SUMMARY = re.compile(r"<summary>(.*?)</summary>", re.IGNORECASE | re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"[^\W_]")
_WIDGET = re.compile(r"^\[(?!Figure\])[^\]\n]+\]")


@dataclass(frozen=True)
class Load:
    """What a path asks of a student: words to read, widget interactions and questions."""

    words: int = 0
    interactions: int = 0
    questions: int = 0

    def __add__(self, other: Load) -> Load:
        return Load(self.words + other.words, self.interactions + other.interactions,
                    self.questions + other.questions)

    @property
    def minutes(self) -> float:
        """The time in minutes: words at 200 a minute, a minute per interaction and per question."""
        return (self.words / WORDS_PER_MINUTE + self.interactions * MINUTES_PER_INTERACTION
                + self.questions * MINUTES_PER_QUESTION)


@dataclass(frozen=True)
class NotebookTime:
    """A notebook's core and its optional parts (Go deeper, Practice, For the clinic)."""

    core: Load
    optional: Load

    @property
    def full(self) -> Load:
        """The core with every optional part."""
        return self.core + self.optional

    @property
    def core_minutes(self) -> int:
        """The core's time in whole minutes, as the line at the top states it."""
        return _whole(self.core.minutes)

    def stamp(self) -> str:
        """The line at the top, e.g. ``**Core: about 18 minutes · with practice: about 41 minutes**``."""
        return wording.phrase("reading_time", "stamp", core=self.core_minutes, full=_whole(self.full.minutes))


def _whole(minutes: float) -> int:
    return math.floor(minutes + 0.5)


@cache
def _stamp() -> re.Pattern[str]:
    """The time line as :meth:`NotebookTime.stamp` writes it, any minutes, with the blank lines after it."""
    line = wording.pattern("reading_time", "stamp", core=r"\d+", full=r"\d+")
    return re.compile(f"^{line.pattern}\n*", re.MULTILINE)


def words(text: str) -> int:
    """Words ``text`` shows (Markdown or plain text): tokens with a letter or digit, markup left out."""
    text = _COMMENT.sub(" ", text)
    text = _IMAGE.sub(" ", text)
    text = _LINK.sub(r"\1", text)
    text = _TAG.sub(" ", text)
    return sum(1 for token in text.split() if _WORD.search(token))


def split_details(markdown: str) -> tuple[str, str]:
    """``(shown, folded)``: the text outside ``<details>`` blocks, and the text inside them except reference lists."""
    shown, folded, depth, start = [], [], 0, 0
    for match in _DETAILS.finditer(markdown):
        if match.group(0).lower().startswith("<details"):
            if depth == 0:
                shown.append(markdown[start:match.start()])
                start = match.start()
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                block = markdown[start:match.end()]
                summary = _SUMMARY.search(block)
                if not (summary and summary.group(1).strip().startswith("References")):
                    folded.append(block)
                start = match.end()
    (shown if depth == 0 else folded).append(markdown[start:])
    return "".join(shown), "".join(folded)


def _text_load(markdown: str) -> tuple[Load, Load]:
    shown, folded = split_details(markdown)
    return Load(words(shown)), Load(words(folded))


def _question_load(name: str, ids: list[str] | None) -> Load:
    check = quiz.load(name)
    chosen = check.questions if ids is None else tuple(check.question(item) for item in ids)
    parts = []
    for number, question in enumerate(chosen, start=1):
        parts += [question.vignette or "", f"Question {number}. {question.prompt}", question.unit]
        parts += [choice.text for choice in question.shown_choices]
    return Load(words("\n".join(parts)), questions=len(chosen))


def exercise_load(name: str, exercise_id: str) -> Load:
    """What an exercise asks as a notebook shows it: its title and prompt, and a minute (as a question)."""
    exercise = quiz.load(name).exercise(exercise_id)
    return Load(words(f"Exercise: {exercise.title}\n\n{exercise.prompt}"), questions=1)


def case_load(case_id: str) -> Load:
    """What a case asks along its concordant path: each step's text, question, choices and the best choice's
    feedback, the ending's text, and one interaction per decision."""
    case = cases.load(case_id)
    node, facts, parts, decisions = case.node(case.start), frozenset[str](), [case.title, case.summary], 0
    while not node.is_ending:
        offered = available(node, facts)
        best = next(choice for choice in offered if choice.concordant)
        parts += [node.title, cases.node_text(node, facts), node.question, *(choice.label for choice in offered),
                  cases.feedback_text(best, facts)]
        decisions += 1
        node, facts = case.node(best.next), facts | frozenset(best.sets)
    parts += [node.title, cases.node_text(node, facts)]
    return Load(words("\n\n".join(parts)), interactions=decisions)


def _calls(source: str) -> Iterator[tuple[str, list[object], dict[str, object]]]:
    """``(function name, literal arguments, literal keywords)`` for each call in a code cell."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            try:
                args = [ast.literal_eval(arg) for arg in node.args]
                keywords = {item.arg: ast.literal_eval(item.value) for item in node.keywords if item.arg}
            except ValueError:
                continue
            yield name, args, keywords


def _code_load(source: str) -> Load | None:
    """The load of a self-check or case cell, read from its code; None for any other cell."""
    found = None
    for name, args, keywords in _calls(source):
        if name == "show_questions":
            ids = keywords.get("ids", args[1] if len(args) > 1 else None)
            load = _question_load(str(args[0]), None if ids is None else [str(item) for item in ids])
        elif name == "show_exercise":
            load = exercise_load(str(args[0]), str(args[1]))
        elif name == "CasePlayer" and args:
            load = case_load(str(args[0]))
        else:
            continue
        found = load if found is None else found + load
    return found


def _output_load(output: nbformat.NotebookNode) -> tuple[Load, Load]:
    if output.output_type == "stream":
        return Load(words(output.text)), Load()
    data = output.get("data", {})
    if data.get("text/markdown"):
        return _text_load(data["text/markdown"])
    plain = data.get("text/plain", "")
    return Load(words(plain), interactions=1 if _WIDGET.match(plain) else 0), Load()


def _is_optional(title: str) -> bool:
    return title.strip().strip("*").lower().startswith(tuple(part.lower() for part in OPTIONAL_PARTS))


def segments(notebook: nbformat.NotebookNode) -> Iterator[tuple[str | nbformat.NotebookNode, bool]]:
    """The notebook in reading order: Markdown text between headings, and code cells, each with whether it lies in
    an optional part (a section headed by one of :data:`OPTIONAL_PARTS`; ``<details>`` blocks are split later)."""
    optional_level = 0  # the heading level of the optional part we are in; 0: in the core
    for cell in notebook.cells:
        if cell.cell_type == "code":
            yield cell, bool(optional_level)
            continue
        if cell.cell_type != "markdown":
            continue
        source = _stamp().sub("", cell.source)
        start = 0
        for heading in _HEADING.finditer(source):
            yield source[start:heading.start()], bool(optional_level)
            level = len(heading.group(1))
            if _is_optional(heading.group(2)):
                optional_level = optional_level if 0 < optional_level <= level else level
            elif level <= optional_level:
                optional_level = 0
            start = heading.start()
        yield source[start:], bool(optional_level)


def notebook_time(notebook: nbformat.NotebookNode) -> NotebookTime:
    """A notebook's core and optional loads (see the module's docstring for what counts)."""
    core, optional = Load(), Load()
    for part, in_optional in segments(notebook):
        if isinstance(part, str):
            loads = [_text_load(part)]
        else:
            from_code = _code_load(part.source)
            loads = [(from_code, Load())] if from_code is not None else [
                _output_load(output) for output in part.get("outputs", [])]
        for shown, folded in loads:
            if in_optional:
                optional += shown + folded
            else:
                core += shown
                optional += folded
    return NotebookTime(core, optional)


def core_questions(notebook: nbformat.NotebookNode) -> tuple[str, ...]:
    """The ids of the self-check questions the notebook's core shows, in order (``show_questions`` with ``ids``)."""
    found: list[str] = []
    for part, in_optional in segments(notebook):
        if isinstance(part, str) or in_optional:
            continue
        for name, args, keywords in _calls(part.source):
            if name == "show_questions":
                ids = keywords.get("ids", args[1] if len(args) > 1 else None)
                chosen = quiz.load(str(args[0])).questions if ids is None else ids
                found += [item if isinstance(item, str) else item.id for item in chosen]
    return tuple(found)


def read(path: Path) -> NotebookTime:
    """The time of the notebook at ``path``."""
    return notebook_time(nbformat.read(path, as_version=4))


def stamped(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook with its time line (:meth:`NotebookTime.stamp`) under the first Markdown cell's first line.

    Raises
    ------
    ValueError
        If the notebook has no Markdown cell.
    """
    first = next((cell for cell in notebook.cells if cell.cell_type == "markdown"), None)
    if first is None:
        raise ValueError("the notebook has no Markdown cell to carry its time")
    stamp = notebook_time(notebook).stamp()
    body = _stamp().sub("", first.source)
    title, _, rest = body.partition("\n")
    source = f"{title}\n\n{stamp}\n\n{rest.lstrip()}".rstrip() + ("\n" if first.source.endswith("\n") else "")
    if source != first.source:
        first.source = source
    return notebook
