"""The "answer, then check" step every self-check of the course is built on.

A :class:`CheckStep` shows the student's controls (options, dropdowns, a
checklist), a Check button and a feedback area. Pressing the button calls the
step's grading function, which returns the result and the feedback to show.
Optional widgets under the feedback (a question's attempts and result) and
callbacks run after every check (a question set's score) let a self-check keep
its own record without changing how a step is built.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

import ipywidgets as widgets

from spinelab.course.display import Display

Result = TypeVar("Result")


class CheckStep(Display, Generic[Result]):
    """Controls, a Check button and feedback, displayed as one widget.

    Parameters
    ----------
    controls : sequence of ipywidgets.Widget
        What the student answers with, shown above the button.
    grade : callable
        Called with no argument on every check; returns the result (whatever the
        step's :meth:`check` should return) and the feedback as HTML.
    text : str
        The plain-text line of the step.
    static_markdown : str
        The step in static mode: the question, never its answer.
    button_label : str
        The button's text.
    footer : sequence of ipywidgets.Widget
        Widgets shown under the feedback, such as the attempts and result of a question.
    helper : bool
        Give the step an accessibility helper of its own (:class:`~spinelab.course.display.Display`); False for a
        step shown inside another display's box.
    """

    def __init__(self, controls: Sequence[widgets.Widget], grade: Callable[[], tuple[Result, str]], text: str,
                 static_markdown: str, button_label: str = "Check", footer: Sequence[widgets.Widget] = (),
                 helper: bool = True) -> None:
        self.grade = grade
        self.check_button = widgets.Button(description=button_label, button_style="info")
        self.feedback = widgets.HTML()
        self._callbacks: list[Callable[[Result], None]] = []
        self.check_button.on_click(lambda _button: self.check())
        super().__init__(widgets.VBox([*controls, self.check_button, self.feedback, *footer]), text, static_markdown,
                         helper)

    def on_check(self, callback: Callable[[Result], None]) -> None:
        """Call ``callback(result)`` after every check, once the feedback is shown."""
        self._callbacks.append(callback)

    def check(self) -> Result:
        """Grade the current answer, show the feedback, tell the callbacks and return the result."""
        result, self.feedback.value = self.grade()
        for callback in self._callbacks:
            callback(result)
        return result
