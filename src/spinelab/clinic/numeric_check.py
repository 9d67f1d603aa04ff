"""Parameterised numeric items as self-check widgets: numbers drawn for the student, and a "New numbers" button.

:class:`NumericItemWidget` shows one item of :mod:`spinelab.clinic.numeric_items` as a numeric self-check
question (:class:`spinelab.course.selfcheck.QuestionWidget`: a number box, Check, feedback, the method once the
answer is right or after a second try). Its numbers are drawn from the student's id and the attempt number, so they
are the same when the notebook runs again; *New numbers* draws the next attempt's. Anything that is not a number
gets a message, never a traceback. :func:`show_numeric` shows every item of a notebook.

The ``text/plain`` line of each widget never holds the numbers, so a notebook's stored output is the same for every
student. The button's name and tooltip and that line are ``[numeric_check]`` of ``data/wording.toml``.
"""

from __future__ import annotations

import getpass

import ipywidgets as widgets

from spinelab.clinic import numeric_items
from spinelab.clinic.numeric_items import Template
from spinelab.course import references, wording
from spinelab.course.display import Display, Displayable
from spinelab.course.selfcheck import QuestionWidget

#: The table of ``data/wording.toml`` with the widgets' words.
WORDS = "numeric_check"


def default_student() -> str:
    """The id numbers are drawn for: the login name (each JupyterHub user has their own), or "" if there is none."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return ""


class NumericItemWidget(Displayable):
    """One parameterised item as a self-check question, with a *New numbers* button.

    Parameters
    ----------
    item : Template
        The item to show.
    number : int
        Its number among the notebook's questions.
    student : str, optional
        The id its numbers are drawn for; by default :func:`default_student`.
    attempt : int
        The attempt whose numbers are shown first.
    """

    def __init__(self, item: Template, number: int = 1, student: str | None = None, attempt: int = 0) -> None:
        self.item = item
        self.number = number
        self.student = default_student() if student is None else student
        self.draw = item.draw(self.student, attempt)
        self.slot = widgets.VBox()
        self.new_button = widgets.Button(description=wording.phrase(WORDS, "new_numbers"), icon="refresh",
                                         tooltip=wording.phrase(WORDS, "new_numbers_tooltip"))
        self.new_button.on_click(lambda _button: self.new_numbers())
        self.question = self._question()
        # Each question brings its own accessibility helper into the slot (a new one with new numbers), and a
        # button names itself: this box has nothing for a helper of its own to name.
        self.view = Display(widgets.VBox([self.slot, self.new_button]),
                            wording.phrase(WORDS, "plain_question", number=number, title=item.title,
                                           button=self.new_button.description),
                            self.question.view.static_markdown, helper=False)

    def _question(self) -> QuestionWidget:
        question = QuestionWidget(self.draw.question, self.number)
        self.slot.children = (question.view.widget,)
        return question

    @property
    def attempt(self) -> int:
        """The attempt whose numbers are shown."""
        return self.draw.attempt

    def new_numbers(self) -> None:
        """Draw the next attempt's numbers and show the question afresh."""
        self.draw = self.item.draw(self.student, self.attempt + 1)
        self.question = self._question()

    def enter(self, text: str) -> None:
        """Type an answer, as a student would."""
        self.question.enter(text)

    def check(self) -> bool | None:
        """Show feedback for the current answer; return whether it is correct (None: not a number)."""
        return self.question.check()


class NumericItemSet(Displayable):
    """Every parameterised item of a notebook, one under the other.

    Parameters
    ----------
    name : str
        The notebook, e.g. ``"04_measuring_multifidus"``.
    student : str, optional
        The id the numbers are drawn for; by default :func:`default_student`.
    """

    def __init__(self, name: str, student: str | None = None) -> None:
        items = numeric_items.for_notebook(name)
        if not items:
            with_items = sorted({item.notebook for item in numeric_items.templates()})
            raise ValueError(f"name must be a notebook with numeric items ({', '.join(with_items)}); got {name!r}")
        self.items = tuple(NumericItemWidget(item, number, student) for number, item in enumerate(items, start=1))
        self.view = Display(widgets.VBox([item.view.widget for item in self.items]),
                            wording.phrase(WORDS, "plain_set", count=len(self.items),
                                           button=wording.phrase(WORDS, "new_numbers")),
                            "\n\n".join(item.view.static_markdown for item in self.items), helper=False)


@references.shows(lambda name, student=None: (key for item in numeric_items.for_notebook(name)
                                              for key in item.citations))
def show_numeric(name: str, student: str | None = None) -> NumericItemSet:
    """Every parameterised numeric item of a notebook, e.g. ``show_numeric("05_whole_patient")``.

    Their feedback cites the sources of each method, which the notebook's reference list therefore holds.

    Raises
    ------
    ValueError
        If the notebook has no numeric items; the message lists those that have.
    """
    return NumericItemSet(name, student)
