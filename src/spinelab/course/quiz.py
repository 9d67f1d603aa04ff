"""Self-check questions and exercises, defined as data and shown as widgets.

Each notebook has a file ``data/selfcheck/<notebook>.toml`` holding its
questions (multiple choice or true/false; every choice carries its own
feedback, every question an explanation) and its exercises (a prompt and a
solution that stays hidden until the student asks for it). Keeping them as
data lets the instructor's guide list every answer without copying it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

import ipywidgets as widgets
import mistune

from spinelab.course import references
from spinelab.course.live import static_mode

KINDS = ("multiple_choice", "true_false")


def markdown_html(text: str) -> str:
    """Render Markdown to HTML for use inside a widget."""
    return str(mistune.html(text))


@dataclass(frozen=True)
class Choice:
    """One answer option with the feedback shown when it is checked."""

    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class Question:
    """A self-check question: a prompt, its choices and an explanation."""

    id: str
    kind: str
    prompt: str
    choices: tuple[Choice, ...]
    explanation: str
    citations: tuple[str, ...] = ()

    @property
    def answer(self) -> Choice:
        """The correct choice."""
        return next(choice for choice in self.choices if choice.correct)


@dataclass(frozen=True)
class Exercise:
    """An exercise: a prompt and its solution (Markdown)."""

    id: str
    title: str
    prompt: str
    solution: str
    citations: tuple[str, ...] = ()


@dataclass(frozen=True)
class SelfCheck:
    """The questions and exercises of one notebook."""

    name: str
    questions: tuple[Question, ...]
    exercises: tuple[Exercise, ...]

    def question(self, question_id: str) -> Question:
        """The question with this id."""
        return _by_id(self.questions, question_id, f"{self.name} questions")

    def exercise(self, exercise_id: str) -> Exercise:
        """The exercise with this id."""
        return _by_id(self.exercises, exercise_id, f"{self.name} exercises")


def _by_id(items, item_id, what):
    for item in items:
        if item.id == item_id:
            return item
    raise KeyError(f"no {item_id!r} among {what}: {', '.join(i.id for i in items)}")


def _field(row: dict, field: str, where: str) -> object:
    if field not in row or row[field] in ("", []):
        raise ValueError(f"{where}: missing field {field!r}")
    return row[field]


def _citations(row: dict, where: str) -> tuple[str, ...]:
    return references.require(row.get("citations", ()), where)


def _question(row: dict, where: str) -> Question:
    kind = _field(row, "kind", where)
    if kind not in KINDS:
        raise ValueError(f"{where}: kind must be one of {', '.join(KINDS)}; got {kind!r}")
    choices = tuple(
        Choice(
            text=str(_field(choice, "text", f"{where} choice {i + 1}")),
            correct=bool(choice.get("correct", False)),
            feedback=str(_field(choice, "feedback", f"{where} choice {i + 1}")),
        )
        for i, choice in enumerate(_field(row, "choice", where))
    )
    if sum(choice.correct for choice in choices) != 1:
        raise ValueError(f"{where}: exactly one choice must be correct")
    if kind == "true_false" and sorted(choice.text for choice in choices) != ["False", "True"]:
        raise ValueError(f"{where}: a true_false question has the choices 'True' and 'False'")
    if kind == "multiple_choice" and len(choices) < 2:
        raise ValueError(f"{where}: a multiple_choice question needs at least two choices")
    return Question(
        id=str(_field(row, "id", where)),
        kind=str(kind),
        prompt=str(_field(row, "prompt", where)),
        choices=choices,
        explanation=str(_field(row, "explanation", where)),
        citations=_citations(row, where),
    )


def _exercise(row: dict, where: str) -> Exercise:
    return Exercise(
        id=str(_field(row, "id", where)),
        title=str(_field(row, "title", where)),
        prompt=str(_field(row, "prompt", where)),
        solution=str(_field(row, "solution", where)),
        citations=_citations(row, where),
    )


def parse(name: str, text: str) -> SelfCheck:
    """Parse a self-check TOML document, validating every question and exercise.

    Raises
    ------
    ValueError
        Naming the question or exercise and the field at fault.
    """
    data = tomllib.loads(text)
    questions = tuple(
        _question(row, f"{name}: question {i + 1}") for i, row in enumerate(data.get("question", []))
    )
    exercises = tuple(
        _exercise(row, f"{name}: exercise {i + 1}") for i, row in enumerate(data.get("exercise", []))
    )
    return SelfCheck(name=name, questions=questions, exercises=exercises)


def available() -> list[str]:
    """Names of the self-check files shipped with the package."""
    folder = resources.files("spinelab").joinpath("data/selfcheck")
    return sorted(item.name.removesuffix(".toml") for item in folder.iterdir() if item.name.endswith(".toml"))


@cache
def load(name: str) -> SelfCheck:
    """Load the self-check of one notebook, e.g. ``load("01_muscle_layers")``."""
    if name not in available():
        raise ValueError(f"name must be one of {', '.join(available())}; got {name!r}")
    text = resources.files("spinelab").joinpath(f"data/selfcheck/{name}.toml").read_text(encoding="utf-8")
    return parse(name, text)


class QuestionWidget:
    """One question as a widget: options, a Check button and feedback.

    Parameters
    ----------
    question : Question
        The question to show.
    number : int
        Its number in the notebook.
    """

    def __init__(self, question: Question, number: int = 1) -> None:
        self.question = question
        self.options = widgets.RadioButtons(
            options=[choice.text for choice in question.choices],
            value=None,
            layout=widgets.Layout(width="auto"),
        )
        self.check_button = widgets.Button(description="Check answer", button_style="info")
        self.feedback = widgets.HTML()
        self.check_button.on_click(lambda _button: self.check())
        prompt = widgets.HTML(markdown_html(f"**Question {number}.** {question.prompt}"))
        self.widget = widgets.VBox([prompt, self.options, self.check_button, self.feedback])

    def choose(self, text: str) -> None:
        """Select an answer by its text, as a student clicking it."""
        self.options.value = text

    def check(self) -> bool | None:
        """Show feedback for the selected answer; return whether it is correct."""
        if self.options.value is None:
            self.feedback.value = "<p>Choose an answer first.</p>"
            return None
        choice = next(c for c in self.question.choices if c.text == self.options.value)
        verdict = "✅ Correct." if choice.correct else "❌ Not quite."
        sources = f" {references.cite(*self.question.citations)}" if self.question.citations else ""
        self.feedback.value = markdown_html(
            f"**{verdict}** {choice.feedback}\n\n*Explanation:* {self.question.explanation}{sources}"
        )
        return choice.correct


class SolutionWidget:
    """An exercise with its solution hidden behind a button.

    Parameters
    ----------
    exercise : Exercise
        The exercise to show.
    """

    def __init__(self, exercise: Exercise) -> None:
        self.exercise = exercise
        self.toggle = widgets.ToggleButton(value=False, description="Show solution", icon="eye")
        self.solution = widgets.HTML(
            markdown_html(exercise.solution), layout=widgets.Layout(display="none")
        )
        self.toggle.observe(self._toggled, names="value")
        prompt = widgets.HTML(markdown_html(f"### Exercise: {exercise.title}\n\n{exercise.prompt}"))
        self.widget = widgets.VBox([prompt, self.toggle, self.solution])

    @property
    def revealed(self) -> bool:
        """Whether the solution is visible."""
        return self.solution.layout.display != "none"

    def _toggled(self, change: dict) -> None:
        self.solution.layout.display = None if change["new"] else "none"
        self.toggle.description = "Hide solution" if change["new"] else "Show solution"


class Shown:
    """Display wrapper: a widget, a short plain-text form, and Markdown for static exports (no answers)."""

    def __init__(self, widget: widgets.Widget, text: str, static_markdown: str, items: tuple = ()) -> None:
        self.widget = widget
        self.text = text
        self.static_markdown = static_markdown
        self.items = items

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, object]:
        if static_mode():
            return {"text/markdown": self.static_markdown, "text/plain": self.text}
        bundle = self.widget._repr_mimebundle_(include=include, exclude=exclude) or {}
        bundle["text/plain"] = self.text
        return bundle


def show_questions(name: str) -> Shown:
    """All questions of a notebook's self-check, as one widget."""
    check = load(name)
    items = [QuestionWidget(question, number) for number, question in enumerate(check.questions, start=1)]
    box = widgets.VBox([item.widget for item in items])
    text = f"[Self-check] {len(items)} questions: answer each, then press 'Check answer'."
    static = "\n\n".join(
        f"**Question {number}.** {question.prompt}\n\n" + "\n".join(f"- {choice.text}" for choice in question.choices)
        for number, question in enumerate(check.questions, start=1)
    )
    return Shown(box, text, static, tuple(items))


def show_exercise(name: str, exercise_id: str) -> Shown:
    """One exercise of a notebook with its hidden solution."""
    item = SolutionWidget(load(name).exercise(exercise_id))
    text = f"[Exercise] {item.exercise.title} (solution hidden: press 'Show solution')."
    static = f"**Exercise: {item.exercise.title}**\n\n{item.exercise.prompt}"
    return Shown(item.widget, text, static, (item,))
