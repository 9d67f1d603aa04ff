"""The player of notebook 06's branching cases: one step at a time, a choice, its feedback, and on to the next.

The cases and their rules are :mod:`spinelab.clinic.cases`; this module only shows them. At each step the
student reads the node as the facts set so far make it (and the result of its tool), chooses with a button among the
choices available, reads the grade and the feedback and presses Continue. A line under the heading says where the
student is (the step and the path so far), and **Review my path** shows each decision with its grade and sources;
at an ending the outcome comes with that review, and a Start again button. The choices appear in an order shuffled
with a seed made of the case's and the node's ids, so the best choice is not always first and the order is the same
on every run. Everything is a button or a dropdown: Tab reaches it, and Enter or Space presses it; after a choice
the focus moves to Continue, and after Continue to the first choice. The player's words are in
``data/wording.toml`` ``[case_player]``.
"""

from __future__ import annotations

import html
import random
from collections.abc import Sequence

import ipywidgets as widgets

from spinelab.clinic import case_graph, cases
from spinelab.clinic.cases import Case, Choice, Node
from spinelab.course import a11y, references, wording
from spinelab.course.display import Display, Displayable, markdown_html
from spinelab.course.marks import mark

#: Lets a long choice wrap inside its button instead of being cut off.
_CSS = ("<style>.spinelab-case-choice {white-space: normal !important; height: auto !important; "
        "min-height: var(--jp-widgets-inline-height); text-align: left; line-height: 1.4; padding: 4px 12px;}"
        "</style>")
_CHOICE_LAYOUT = {"width": "auto", "max_width": "48em", "height": "auto"}
#: Each grade's button style once chosen.
_STYLES = {"best": "success", "acceptable": "info", "unhelpful": "warning", "harmful": "danger"}


def choice_order(case: Case, node: Node, facts: cases.Facts | None = None) -> list[Choice]:
    """The node's choices in the order the player shows them: shuffled with the seed ``"<case id>/<node id>"``, then
    only those available under ``facts`` (all of them if None)."""
    shown = list(node.choices)
    random.Random(f"{case.id}/{node.id}").shuffle(shown)
    return shown if facts is None else [choice for choice in shown if cases.holds(choice.when, facts)]


def _words(key: str, /, **values: object) -> str:
    return wording.phrase("case_player", key, **values)


def verdict(grade: str) -> str:
    """How a grade is announced, e.g. ``"Best choice."``: in the page after its mark
    (:func:`spinelab.course.marks.mark`, a shape of its own for each grade, not colour alone)."""
    return _words(f"verdict_{grade}")


def _cite(keys: Sequence[str]) -> str:
    return html.escape(references.cite(*keys)) if keys else ""


def _tool_html(node: Node) -> str:
    """The result of the node's tool, set apart by a blue rule."""
    return (f"<div style='border-left: 4px solid #0072B2; padding-left: 0.8em'>"
            f"{markdown_html(cases.tool_result(node.tool))}</div>")


@references.shows(cases.citation_keys)
class CasePlayer(Displayable):
    """Work through a branching case: read each step, choose, read the feedback, continue to the ending.

    Parameters
    ----------
    case_id : str, optional
        The case to start with; the first case (by file name) if None.
    library : sequence of Case, optional
        The cases the picker offers; every case of ``data/cases/`` if None.

    Raises
    ------
    ValueError
        If ``case_id`` is not one of the cases; the message lists them.
    """

    def __init__(self, case_id: str | None = None, library: Sequence[Case] | None = None) -> None:
        self.library = {case.id: case for case in (cases.cases() if library is None else library)}
        if not self.library:
            raise ValueError("library must hold at least one case; data/cases/ has none")
        if case_id is not None and case_id not in self.library:
            raise ValueError(f"case_id must be one of {', '.join(self.library)}; got {case_id!r}")
        first = case_id or next(iter(self.library))
        self.picker = widgets.Dropdown(options=[(case.title, case.id) for case in self.library.values()],
                                       value=first, description=_words("case"), layout=widgets.Layout(width="32em"))
        a11y.label(self.picker, _words("picker_label"))
        self.heading, self.body, self.question = widgets.HTML(), widgets.HTML(), widgets.HTML()
        self.choice_box = widgets.VBox()
        self.feedback = widgets.HTML()
        self.continue_button = widgets.Button(description=_words("continue"), button_style="primary",
                                              tooltip=_words("continue_tooltip"))
        self.restart_button = widgets.Button(description=_words("restart"), button_style="info",
                                             tooltip=_words("restart_tooltip"))
        self.continue_button.on_click(lambda _button: self.proceed())
        self.restart_button.on_click(lambda _button: self.restart())
        self.where = widgets.HTML()
        self.review = widgets.HTML()
        self.review_button = widgets.ToggleButton(description=_words("review"), value=False,
                                                  tooltip=_words("review_tooltip"))
        self.review_button.observe(lambda _change: self._show_review(), names="value")
        # A new case from the picker leaves the focus on the picker: arrow keys change its value at every press.
        self.picker.observe(lambda change: self.restart(change["new"], focus=False), names="value")
        self.choice_buttons: list[widgets.Button] = []
        self.case = self.library[first]
        self.node = self.case.node(self.case.start)
        self.chosen: Choice | None = None
        #: The facts the choices so far have set.
        self.facts: cases.Facts = frozenset()
        #: The steps taken so far: each node left and the choice made there.
        self.path: list[tuple[Node, Choice]] = []
        box = widgets.VBox([widgets.HTML(_CSS), self.picker, self.heading, self.where, self.body, self.question,
                            self.choice_box, self.feedback, self.continue_button, self.restart_button,
                            self.review_button, self.review])
        # The plain text names the starting case only, so that it stays the same whatever the student does.
        self.view = Display(box, _words("plain", title=self.case.title, summary=self.case.summary,
                                        button=_words("continue")), self._static_markdown())
        self._show()

    # -------------------------------------------------------------- what a student does

    def restart(self, case_id: str | None = None, focus: bool = True) -> None:
        """Start a case (this one if None) again from its first step; the focus goes to its first choice."""
        if case_id is not None and case_id != self.case.id:
            self.case = self.library[case_id]
            if self.picker.value != case_id:
                self.picker.value = case_id  # its observer calls restart again, which then finds nothing to change
        self.node, self.chosen, self.path = self.case.node(self.case.start), None, []
        self.facts, self.review_button.value = frozenset(), False
        self._show()
        if focus:
            (self.choice_buttons[0] if self.choice_buttons else self.restart_button).focus()

    def choose(self, label: str) -> Choice:
        """Make the choice with this label at the current step, as a click on its button does; return it.

        Raises
        ------
        ValueError
            If the current node has no choice with this label, or a choice was already made here.
        """
        if self.chosen is not None:
            raise ValueError(f"a choice was already made at {self.node.id!r}; press Continue first")
        offered = cases.available(self.node, self.facts)
        found = next((choice for choice in offered if choice.label == label), None)
        if found is None:
            labels = "; ".join(choice.label for choice in offered) or "none (this is an ending)"
            raise ValueError(f"label must be one of: {labels}; got {label!r}")
        self.chosen = found
        for button, choice in zip(self.choice_buttons, choice_order(self.case, self.node, self.facts), strict=True):
            button.disabled = True
            if choice is found:
                button.button_style = _STYLES[found.grade]
        result = _tool_html(self.node) if self.node.tool is not None and self.node.tool.shown == "after" else ""
        text = cases.feedback_text(found, self.facts)
        self.feedback.value = (f"<div><p><b>{mark(found.grade, verdict(found.grade))}</b></p>"
                               f"{markdown_html(text)}<p><small>{_words('sources', sources=_cite(found.cites))}"
                               f"</small></p>{result}</div>")
        self.continue_button.layout.display = ""
        self.view.announce(f"{verdict(found.grade)} {a11y.plain_text(markdown_html(text))}")
        self.continue_button.focus()
        return found

    def proceed(self) -> None:
        """Go on to the node the choice leads to (Continue)."""
        if self.chosen is None:
            raise ValueError(f"choose at {self.node.id!r} before continuing")
        self.path.append((self.node, self.chosen))
        self.facts = cases.after(self.chosen, self.facts)
        self.node, self.chosen = self.case.node(self.chosen.next), None
        self._show()
        (self.choice_buttons[0] if self.choice_buttons else self.restart_button).focus()

    def state(self) -> dict[str, object]:
        """Where the student is: case, node, whether at an ending, its outcome, the labels chosen so far, their
        grades and the facts set."""
        return {"case": self.case.id, "node": self.node.id, "ending": self.node.is_ending,
                "outcome": self.node.outcome or None, "path": [choice.label for _, choice in self.path],
                "grades": [choice.grade for _, choice in self.path], "facts": sorted(self.facts)}

    # -------------------------------------------------------------- drawing

    def _show(self) -> None:
        node, step = self.node, len(self.path) + 1
        where = _words("ending") if node.is_ending else _words("step", step=step)
        self.heading.value = f"<h4>{html.escape(self.case.title)}: {where}. {html.escape(node.title)}</h4>"
        parts = [markdown_html(cases.node_text(node, self.facts))]
        trail = " → ".join(html.escape(item.title) for item, _ in self.path)
        line = _words("where_after", step=step, trail=trail) if trail else _words("where_first", step=step)
        self.where.value = f"<p><small>{line}</small></p>" if not node.is_ending else ""
        if node.tool is not None and node.tool.shown == "before":
            parts.append(_tool_html(node))
        self.feedback.value = ""
        self.continue_button.layout.display = "none"
        if node.is_ending:
            parts.insert(0, f"<p><b>{html.escape(self._outcome())}</b></p>")
            parts.append(f"<p><small>{_words('sources', sources=_cite(node.cites))}</small></p>{self._path_html()}")
            self.question.value = ""
            self.choice_buttons = []
            self.restart_button.layout.display = ""
            self.review_button.layout.display = "none"
        else:
            self.question.value = f"<p><b>{html.escape(node.question)}</b></p>"
            self.choice_buttons = [self._button(choice) for choice in choice_order(self.case, node, self.facts)]
            self.restart_button.layout.display = "none"
            self.review_button.layout.display = "" if self.path else "none"
        self._show_review()
        self.body.value = "".join(parts)
        self.choice_box.children = tuple(self.choice_buttons)
        self.view.announce(f"{where}: {node.title}. " + (self._outcome() if node.is_ending else node.question))

    def _outcome(self) -> str:
        """The ending's outcome, and how many missteps the path recovered from (or ended with)."""
        missteps = sum(choice.grade in case_graph.MISSTEPS for _, choice in self.path)
        text = _words("outcome", outcome=cases.outcome_label(self.node.outcome))
        if missteps and self.node.outcome == "good":
            text += " " + _words("recovered_many" if missteps > 1 else "recovered_one", count=missteps)
        return text

    def _button(self, choice: Choice) -> widgets.Button:
        button = widgets.Button(description=choice.label, tooltip=choice.label,
                                layout=widgets.Layout(**_CHOICE_LAYOUT))
        button.add_class("spinelab-case-choice")
        button.on_click(lambda _button: self.choose(choice.label))
        return button

    def _show_review(self) -> None:
        """The review of the path so far, shown while **Review my path** is pressed (and always at an ending)."""
        self.review.value = self._path_html() if self.review_button.value and not self.node.is_ending else ""

    def _path_html(self) -> str:
        """Each decision of the path: the step, the choice, its grade and the sources of its feedback."""
        steps = "".join(f"<li>{html.escape(node.title)}: <i>{html.escape(choice.label)}</i>: "
                        f"<b>{mark(choice.grade, verdict(choice.grade))}</b> <small>{_cite(choice.cites)}</small></li>"
                        for node, choice in self.path)
        return f"<p>{_words('path_heading')}</p><ol>{steps}</ol>" if steps else ""

    def _static_markdown(self) -> str:
        start = self.case.node(self.case.start)
        options = "\n".join(f"- {choice.label}" for choice in choice_order(self.case, start, frozenset()))
        return (f"{_words('static_case', title=self.case.title, summary=self.case.summary)}\n\n"
                f"**{start.title}.** {start.text}\n\n*{start.question}*\n\n{options}")
