"""The self-checks of :mod:`spinelab.course.quiz` as widgets, with the student's progress kept.

- :class:`QuestionWidget`: one question (radio buttons, tick boxes or a number box), its vignette above the
  prompt, feedback on every check, and its attempts and result; the explanation appears once the answer is
  right or after the second try.
- :class:`QuestionSet`: a notebook's questions with its score.
- :class:`SolutionWidget`: an exercise whose solution opens only once the student has written an answer.
- :class:`~spinelab.course.progress_panel.ProgressPanel` (:func:`progress`): answered, correct and total per
  notebook, with a reset.

Answers, attempts and written answers are kept by :mod:`spinelab.course.progress` and restored when the
widgets are built again (after a kernel restart, say). In class mode they follow the student's pseudonymous id
once the page gives it (:mod:`spinelab.course.class_progress`), so a reload shows them again. The
``text/plain`` line of each widget is fixed, so notebook tests compare it; attempts and scores appear only in
the widgets. In static mode (slides) questions are listed with their choices and exercises with their prompts,
never with answers or solutions. The widgets' words are in ``data/wording.toml`` ``[selfcheck]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets

from spinelab.course import class_progress, quiz, references, wording
from spinelab.course.a11y import label, plain_text
from spinelab.course.display import Display, Displayable, markdown_html
from spinelab.course.marks import mark, with_mark
from spinelab.course.progress import ProgressError, ProgressStore
from spinelab.course.progress_panel import ProgressPanel
from spinelab.course.quiz import Exercise, Question
from spinelab.course.steps import CheckStep

#: The explanation is shown once the answer is right, or after this many attempts.
EXPLAIN_AFTER_ATTEMPTS = 2
#: The box a question's case vignette is shown in.
_VIGNETTE_BOX = '<div style="border-left: 4px solid #8c8c8c; padding: 0.2em 0.8em; background: #f4f4f4;">{}</div>'


def _wide() -> widgets.Layout:
    return widgets.Layout(width="auto")


def _words(key: str, /, **values: object) -> str:
    return wording.phrase("selfcheck", key, **values)


def _keep(store: ProgressStore | None, action: str, write) -> str:
    """Run a store operation; return "" or a short message saying the progress was not kept."""
    if store is None:
        return ""
    try:
        write()
    except ProgressError as error:
        return f"<p><small>{mark('warning', _words('not_kept', action=action, error=error))}</small></p>"
    return ""


class QuestionWidget(Displayable):
    """One question as a widget: vignette, prompt, the answer controls, a Check button, feedback and attempts.

    Parameters
    ----------
    question : Question
        The question to show.
    number : int
        Its number in the notebook.
    notebook : str, optional
        The notebook it belongs to; with ``store``, its attempts are kept and restored.
    store : ProgressStore, optional
        Where progress is kept; None keeps nothing.
    helper : bool
        Give the question an accessibility helper of its own; a :class:`QuestionSet`'s questions share the set's.
    """

    def __init__(self, question: Question, number: int = 1, notebook: str | None = None,
                 store: ProgressStore | None = None, helper: bool = True) -> None:
        self.question = question
        self.notebook = notebook
        self.store = store if notebook is not None else None
        self.attempts = 0
        #: Whether the last checked answer was correct (None: not answered yet).
        self.correct: bool | None = None
        self.options: widgets.RadioButtons | None = None
        self.boxes: dict[str, widgets.Checkbox] = {}
        self.number_box: widgets.Text | None = None
        shown = question.shown_choices
        if question.kind in ("multiple_choice", "true_false"):
            self.options = label(widgets.RadioButtons(options=[(choice.text, choice) for choice in shown],
                                                      value=None, layout=_wide()),
                                 _words("question_label", number=number,
                                        prompt=plain_text(markdown_html(question.prompt))))
            controls: list[widgets.Widget] = [self.options]
        elif question.kind == "select_all":
            self.boxes = {choice.text: widgets.Checkbox(value=False, description=choice.text, indent=False,
                                                        layout=_wide()) for choice in shown}
            controls = [widgets.VBox(list(self.boxes.values()))]
        else:
            self.number_box = widgets.Text(value="", placeholder=_words("number_placeholder"),
                                           description=_words("number_description"),
                                           style={"description_width": "initial"})
            controls = [widgets.HBox([self.number_box, widgets.Label(question.unit)])]
        heading = _words("heading_select_all" if question.kind == "select_all" else "heading", number=number,
                         prompt=question.prompt)
        above = [widgets.HTML(_VIGNETTE_BOX.format(markdown_html(question.vignette)))] if question.vignette else []
        self.status = widgets.HTML(self._status())
        self.step: CheckStep[bool | None] = CheckStep(
            [*above, widgets.HTML(markdown_html(heading)), *controls], self._check_and_keep,
            _words("question_plain", number=number, button=_words("check_button")),
            self._static(heading), button_label=_words("check_button"), footer=[self.status], helper=helper)
        self.view = self.step
        self._restore()

    def _static(self, heading: str) -> str:
        vignette = f"{_words('case', vignette=self.question.vignette)}\n\n" if self.question.vignette else ""
        if self.question.kind == "numeric":
            answer = (_words("numeric_answer_unit", unit=self.question.unit) if self.question.unit
                      else _words("numeric_answer"))
            return f"{vignette}{heading}\n\n- {answer}"
        box = "☐ " if self.question.kind == "select_all" else ""
        return f"{vignette}{heading}\n\n" + "\n".join(f"- {box}{c.text}" for c in self.question.shown_choices)

    # --- answering, as a student would ------------------------------------------------------------------------
    def choose(self, *texts: str) -> None:
        """Select answers by their text: one for multiple choice and true/false, any number for select all."""
        if self.options is not None:
            if len(texts) != 1:
                raise ValueError(f"question {self.question.id!r} takes one answer; got {len(texts)}")
            self.options.value = self.question.choice(texts[0])
        elif self.boxes:
            unknown = [text for text in texts if text not in self.boxes]
            if unknown:
                raise KeyError(f"question {self.question.id!r} has no choice {unknown[0]!r}")
            for text, box in self.boxes.items():
                box.value = text in texts
        else:
            raise ValueError(f"question {self.question.id!r} is numeric: use enter()")

    def enter(self, text: str) -> None:
        """Type an answer into a numeric question's box."""
        if self.number_box is None:
            raise ValueError(f"question {self.question.id!r} is not numeric: use choose()")
        self.number_box.value = text

    def check(self) -> bool | None:
        """Show feedback for the current answer; return whether it is correct (None: no usable answer)."""
        return self.step.check()

    # --- grading ------------------------------------------------------------------------------------------------
    def _answer(self) -> Any:
        """The current answer as kept in the progress file: a choice's text, a list of texts, or the typed text."""
        if self.options is not None:
            return None if self.options.value is None else self.options.value.text
        if self.boxes:
            return [text for text, box in self.boxes.items() if box.value]
        return self.number_box.value if self.number_box is not None else None

    def _grade(self, answer: Any) -> tuple[bool | None, str]:
        question = self.question
        if question.kind == "numeric":
            return question.grade_numeric(answer)
        if question.kind == "select_all":
            return question.grade_choices([question.choice(text) for text in answer or ()])
        return question.grade_choices(None if answer is None else question.choice(answer))

    def _feedback(self, correct: bool | None, feedback: str, attempts: int) -> str:
        if correct is None:
            return with_mark("unsure", markdown_html(feedback))
        text = f"**{_words('correct' if correct else 'wrong')}** {feedback}"
        if correct or attempts >= EXPLAIN_AFTER_ATTEMPTS:
            cited = self.question.citations
            sources = f" {references.cite(*cited)}" if cited else ""
            text += f"\n\n{_words('explanation', explanation=self.question.explanation)}{sources}"
        else:
            text += f"\n\n{_words('try_again')}"
        return with_mark("correct" if correct else "wrong", markdown_html(text))

    def _check_and_keep(self) -> tuple[bool | None, str]:
        answer = self._answer()
        correct, feedback = self._grade(answer)
        if correct is None:  # nothing usable to grade: not an attempt
            return None, self._feedback(None, feedback, self.attempts)
        self.attempts += 1
        self.correct = correct
        problem = _keep(self.store, _words("keeping_answer"), lambda: self.store.record_attempt(  # type: ignore[union-attr]
            self.notebook, self.question.id, answer, correct))
        self.status.value = self._status() + problem
        return correct, self._feedback(correct, feedback, self.attempts)

    def _status(self) -> str:
        if not self.attempts:
            return f"<p><small>{_words('not_answered')}</small></p>"
        tries = _words("attempt" if self.attempts == 1 else "attempts", count=self.attempts)
        result = mark("correct", _words("last_correct")) if self.correct else _words("last_not_right")
        return f"<p><small>{_words('status', attempts=tries, result=result)}</small></p>"

    def _restore(self) -> None:
        if self.store is None:
            return
        try:
            record = self.store.question(self.notebook or "", self.question.id)
        except ProgressError as error:
            self.status.value += f"<p><small>{mark('warning', str(error))}</small></p>"
            return
        if not record.attempts:
            return
        self.attempts, self.correct = record.attempts, record.correct
        self.status.value = self._status()
        try:
            if self.number_box is not None:
                self.enter(str(record.answer or ""))
            elif isinstance(record.answer, str):
                self.choose(record.answer)
            elif isinstance(record.answer, list):
                self.choose(*record.answer)
        except (KeyError, ValueError, TypeError):  # the question changed since (or the answer is not one the
            return  # widget gives): keep the count, not the old answer
        correct, feedback = self._grade(self._answer())
        self.step.feedback.value = self._feedback(correct, feedback, self.attempts)

    def use_store(self, store: ProgressStore) -> None:
        """Keep progress in ``store`` from now on and show what it holds (class mode: the student's file)."""
        self.store = store if self.notebook is not None else None
        self._restore()


class QuestionSet(Displayable):
    """All questions of a notebook's self-check, one under the other, with the notebook's score.

    Parameters
    ----------
    name : str
        The notebook, e.g. ``"01_muscle_layers"``.
    store : ProgressStore, optional
        Where progress is kept; by default the student's progress file (in class mode, the student's file in the
        class's folder once the page gives their id).
    ids : sequence of str, optional
        Show only these questions, in this order (each keeps its number in the notebook's bank); all by default.
    """

    def __init__(self, name: str, store: ProgressStore | None = None, ids: Sequence[str] | None = None) -> None:
        self.name = name
        self.store = store if store is not None else class_progress.store()
        self.questions = tuple(QuestionWidget(question, number, name, self.store, helper=False)
                               for number, question in chosen_questions(name, ids))
        self.score = widgets.HTML()
        self.notices = widgets.HTML()
        self._show_notices()
        for item in self.questions:
            item.step.on_check(lambda _result: self._update_score())
        self._update_score()
        hidden = class_progress.attach(self.use_store) if store is None else []
        self.view = Display(
            widgets.VBox([*hidden, self.notices, *(item.view.widget for item in self.questions), self.score]),
            _words("set_plain", button=_words("check_button")),
            "\n\n".join(item.view.static_markdown for item in self.questions),
        )

    @property
    def correct(self) -> int:
        """How many questions were answered correctly at the last check."""
        return sum(item.correct is True for item in self.questions)

    def score_text(self) -> str:
        """The score in words, e.g. ``"Score: 3 of 8 correct"``."""
        return _words("score", correct=self.correct, total=len(self.questions))

    def _update_score(self) -> None:
        self.score.value = f"<p><b>{self.score_text()}</b></p>"

    def _show_notices(self) -> None:
        self.notices.value = "".join(f"<p><small>{mark('warning', notice)}</small></p>"
                                     for notice in self.store.notices)

    def use_store(self, store: ProgressStore) -> None:
        """Keep progress in ``store`` from now on and show what it holds (class mode: the student's file)."""
        self.store = store
        for item in self.questions:
            item.use_store(store)
        self._show_notices()
        self._update_score()


class SolutionWidget(Displayable):
    """An exercise: the student writes an answer first, then the solution can be shown (and stays available).

    Parameters
    ----------
    exercise : Exercise
        The exercise to show.
    notebook : str, optional
        The notebook it belongs to; with ``store``, the written answer is kept and restored.
    store : ProgressStore, optional
        Where progress is kept; None keeps nothing.
    follow_class : bool
        In class mode, keep the answer in the student's file once the page gives their id.
    """

    def __init__(self, exercise: Exercise, notebook: str | None = None, store: ProgressStore | None = None,
                 follow_class: bool = False) -> None:
        self.exercise = exercise
        self.notebook = notebook
        self.store = store if notebook is not None else None
        self.answer = label(widgets.Textarea(value="", placeholder=_words("answer_placeholder"),
                                             layout=widgets.Layout(width="95%", height="6em")),
                            _words("answer_label", title=exercise.title))
        self.toggle = widgets.ToggleButton(value=False, description=_words("show_solution"), icon="eye",
                                           disabled=True, tooltip=_words("write_first"))
        self.note = widgets.HTML(f"<p><small>{_words('commit_first')}</small></p>")
        self.solution = widgets.HTML(markdown_html(exercise.solution), layout=widgets.Layout(display="none"))
        self._ever_revealed = False
        self._restore()
        self.answer.observe(self._written, names="value")
        self.toggle.observe(self._toggled, names="value")
        prompt = widgets.HTML(markdown_html(f"{_words('exercise_heading', title=exercise.title)}\n\n{exercise.prompt}"))
        hidden = class_progress.attach(self.use_store) if follow_class and self.store is not None else []
        self.view = Display(widgets.VBox([*hidden, prompt, self.answer, self.note, self.toggle, self.solution]),
                            _words("exercise_plain", title=exercise.title, button=_words("show_solution")),
                            f"{_words('exercise_static', title=exercise.title)}\n\n{exercise.prompt}")

    @property
    def revealed(self) -> bool:
        """Whether the solution is visible."""
        return self.solution.layout.display != "none"

    def write(self, text: str) -> None:
        """Type an answer, as a student would."""
        self.answer.value = text

    def _update_button(self) -> None:
        self.toggle.disabled = not (self._ever_revealed or self.answer.value.strip())
        self.toggle.tooltip = "" if not self.toggle.disabled else _words("write_first")

    def _keep(self, revealed: bool | None = None) -> None:
        problem = _keep(self.store, _words("keeping_written_answer"), lambda: self.store.save_exercise(  # type: ignore[union-attr]
            self.notebook, self.exercise.id, self.answer.value, revealed))
        if problem:
            self.note.value = problem

    def _written(self, change: dict) -> None:
        self._update_button()
        self._keep()

    def _toggled(self, change: dict) -> None:
        self.solution.layout.display = None if change["new"] else "none"
        self.toggle.description = _words("hide_solution" if change["new"] else "show_solution")
        if change["new"] and not self._ever_revealed:
            self._ever_revealed = True
            self._keep(revealed=True)

    def use_store(self, store: ProgressStore) -> None:
        """Keep the answer in ``store`` from now on and show what it holds (class mode: the student's file)."""
        self.store = store if self.notebook is not None else None
        typed = self.answer.value
        self.answer.unobserve(self._written, names="value")  # showing the kept answer is not writing it again
        self._restore()
        self.answer.observe(self._written, names="value")
        if typed.strip() and not self.answer.value.strip():  # written before the page linked up: keep it
            self.answer.value = typed

    def _restore(self) -> None:
        if self.store is not None:
            try:
                record = self.store.exercise(self.notebook or "", self.exercise.id)
            except ProgressError as error:
                self.note.value = f"<p><small>{mark('warning', str(error))}</small></p>"
            else:
                self.answer.value, self._ever_revealed = record.answer, record.revealed
        self._update_button()


def chosen_questions(name: str, ids: Sequence[str] | None = None) -> list[tuple[int, Question]]:
    """``(number, question)`` for a notebook's questions, or the ones ``ids`` names in that order; a question's
    number is its place in the notebook's bank (the answer key's numbering), wherever it is shown.

    Raises
    ------
    ValueError
        If ``ids`` is empty, repeats an id or names a question the notebook does not have.
    """
    numbered = list(enumerate(quiz.load(name).questions, start=1))
    if ids is None:
        return numbered
    if isinstance(ids, str) or not ids or len(set(ids)) != len(ids):
        raise ValueError(f"ids must be a non-empty list of distinct question ids of {name!r}; got {ids!r}")
    by_id = {question.id: (number, question) for number, question in numbered}
    unknown = [item for item in ids if item not in by_id]
    if unknown:
        raise ValueError(f"ids must be question ids of {name!r} (one of: {', '.join(by_id)}); got {unknown[0]!r}")
    return [by_id[item] for item in ids]


@references.shows(lambda name, ids=None: (key for _, question in chosen_questions(name, ids)
                                          for key in question.citations))
def show_questions(name: str, ids: Sequence[str] | None = None) -> QuestionSet:
    """A notebook's self-check questions, e.g. ``show_questions("01_muscle_layers")``; with ``ids``, only those.

    ``show_questions("01_muscle_layers", ids=["layer-of-multifidus"])`` shows one question right after the idea
    it tests. Their feedback cites the questions' sources, which the notebook's reference list therefore holds.
    """
    return QuestionSet(name, ids=ids)


@references.shows(lambda name, exercise_id: quiz.load(name).exercise(exercise_id).citations)
def show_exercise(name: str, exercise_id: str) -> SolutionWidget:
    """One exercise of a notebook: write an answer, then the solution opens, citing the exercise's sources."""
    exercise = quiz.load(name).exercise(exercise_id)
    return SolutionWidget(exercise, name, class_progress.store(), follow_class=True)


def progress() -> ProgressPanel:
    """The student's self-check results across the course, with a reset (notebook 00)."""
    return ProgressPanel()
