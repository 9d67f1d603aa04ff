"""The self-checks of :mod:`spinelab.course.quiz` as widgets: questions with feedback, exercises with hidden solutions.

In static mode (slides) questions are listed with their choices and exercises
with their prompts, never with answers or solutions.
"""

from __future__ import annotations

import ipywidgets as widgets

from spinelab.course import references
from spinelab.course.display import Display, Displayable, markdown_html
from spinelab.course.quiz import Exercise, Question, load
from spinelab.course.steps import CheckStep


class QuestionWidget(Displayable):
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
        heading = f"**Question {number}.** {question.prompt}"
        static = f"{heading}\n\n" + "\n".join(f"- {choice.text}" for choice in question.choices)
        self.step: CheckStep[bool | None] = CheckStep(
            [widgets.HTML(markdown_html(heading)), self.options], self._grade,
            f"[Self-check] Question {number}: answer, then press 'Check answer'.", static,
            button_label="Check answer")
        self.view = self.step

    def choose(self, text: str) -> None:
        """Select an answer by its text, as a student clicking it."""
        self.options.value = text

    def check(self) -> bool | None:
        """Show feedback for the selected answer; return whether it is correct (None: not answered)."""
        return self.step.check()

    def _grade(self) -> tuple[bool | None, str]:
        if self.options.value is None:
            return None, "<p>Choose an answer first.</p>"
        choice = next(c for c in self.question.choices if c.text == self.options.value)
        verdict = "✅ Correct." if choice.correct else "❌ Not quite."
        sources = f" {references.cite(*self.question.citations)}" if self.question.citations else ""
        return choice.correct, markdown_html(
            f"**{verdict}** {choice.feedback}\n\n*Explanation:* {self.question.explanation}{sources}"
        )


class QuestionSet(Displayable):
    """All questions of a notebook's self-check, shown one under the other.

    Parameters
    ----------
    name : str
        The notebook, e.g. ``"01_muscle_layers"``.
    """

    def __init__(self, name: str) -> None:
        self.questions = tuple(QuestionWidget(question, number)
                               for number, question in enumerate(load(name).questions, start=1))
        self.view = Display(
            widgets.VBox([item.view.widget for item in self.questions]),
            f"[Self-check] {len(self.questions)} questions: answer each, then press 'Check answer'.",
            "\n\n".join(item.view.static_markdown for item in self.questions),
        )


class SolutionWidget(Displayable):
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
        self.view = Display(widgets.VBox([prompt, self.toggle, self.solution]),
                            f"[Exercise] {exercise.title} (solution hidden: press 'Show solution').",
                            f"**Exercise: {exercise.title}**\n\n{exercise.prompt}")

    @property
    def revealed(self) -> bool:
        """Whether the solution is visible."""
        return self.solution.layout.display != "none"

    def _toggled(self, change: dict) -> None:
        self.solution.layout.display = None if change["new"] else "none"
        self.toggle.description = "Hide solution" if change["new"] else "Show solution"


def show_questions(name: str) -> QuestionSet:
    """All questions of a notebook's self-check, e.g. ``show_questions("01_muscle_layers")``.

    Their sources count as shown (the feedback cites them), so the notebook's reference list includes them.
    """
    references.shown(*(key for question in load(name).questions for key in question.citations))
    return QuestionSet(name)


def show_exercise(name: str, exercise_id: str) -> SolutionWidget:
    """One exercise of a notebook with its hidden solution; its sources count as shown."""
    exercise = load(name).exercise(exercise_id)
    references.shown(*exercise.citations)
    return SolutionWidget(exercise)
