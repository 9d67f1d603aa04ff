"""Notebook 06's step between visits, as an "answer, then check" widget.

:class:`LayerStep`: what tender, held muscles tell you, which muscle is likely inhibited, and where, graded by
:mod:`spinelab.clinic.case_study`; its words are in ``data/layer_step.toml``. The branching cases are
:class:`spinelab.clinic.case_player.CasePlayer`.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from spinelab.anatomy import muscles
from spinelab.clinic import case_study
from spinelab.clinic.case_study import (
    ERECTOR_SPINAE,
    guarding_feedback,
    guarding_options,
    inhibited_feedback,
    layer_options,
    option_name,
    step_text,
    vignette,
    where_feedback,
    where_options,
)
from spinelab.course import references
from spinelab.course.display import Displayable
from spinelab.course.marks import mark
from spinelab.course.steps import CheckStep


def _option_label(option: str) -> str:
    return step_text("erector_spinae_short") if option == ERECTOR_SPINAE else muscles.get(option).label


@references.shows(case_study.citation_keys)
class LayerStep(Displayable):
    """Three questions with feedback: what her tender, held muscles tell you, which is likely inhibited, and where.

    Parameters
    ----------
    vignette_id : str
        The patient (their painful side and level are named in the questions).
    """

    def __init__(self, vignette_id: str = "warehouse") -> None:
        self.vignette = vignette(vignette_id)
        options = [(step_text("choose"), None), *((option_name(option), option) for option in layer_options())]
        wide = {"description_width": "22em"}
        guarding_label = widgets.HTML(step_text("guarding_question"))
        self.guarding = widgets.RadioButtons(options=guarding_options(), value=None,
                                             layout=widgets.Layout(width="auto"))
        self.inhibited = widgets.Dropdown(options=options, value=None, style=wide,
                                          layout=widgets.Layout(width="42em"),
                                          description=step_text("inhibited_question"))
        self.where = widgets.RadioButtons(options=where_options(), value=None, layout=widgets.Layout(width="auto"))
        where_label = widgets.HTML(step_text("where_question", side=self.vignette.painful_side,
                                             level=self.vignette.painful_level))
        names = ", ".join(_option_label(option) for option in layer_options())
        self.step: CheckStep[dict[str, bool | None]] = CheckStep(
            [guarding_label, self.guarding, self.inhibited, where_label, self.where], self._grade,
            step_text("plain", muscles=names), step_text("markdown", muscles=names))
        self.view = self.step

    def choose(self, guarding: str, inhibited_muscle: str, where: str) -> None:
        """Answer all three questions, as a student would."""
        for name, value, allowed in (("guarding", guarding, guarding_options()),
                                     ("inhibited_muscle", inhibited_muscle, layer_options()),
                                     ("where", where, where_options())):
            if value not in allowed:
                raise ValueError(f"{name} must be one of {'; '.join(allowed)}; got {value!r}")
        self.guarding.value, self.inhibited.value, self.where.value = guarding, inhibited_muscle, where

    def check(self) -> dict[str, bool | None]:
        """Show feedback; return, per question, whether it is right (None: not answered)."""
        return self.step.check()

    def _grade(self) -> tuple[dict[str, bool | None], str]:
        graders = (("guarding", self.guarding.value, guarding_feedback),
                   ("inhibited", self.inhibited.value, inhibited_feedback),
                   ("where", self.where.value, where_feedback))
        results: dict[str, bool | None] = {}
        lines = []
        for key, value, grade in graders:
            if value is None:
                results[key] = None
                lines.append(f"<li><b>{step_text(f'{key}_label')}</b>: {html.escape(step_text('unanswered'))}</li>")
                continue
            results[key], text = grade(value)
            lines.append(f"<li><b>{step_text(f'{key}_label')}</b>: "
                         f"{mark('correct' if results[key] else 'wrong', text)}</li>")
        return results, f"<ul>{''.join(lines)}</ul>"
