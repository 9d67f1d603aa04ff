"""Notebook 06's step between visits, as an "answer, then check" widget.

:class:`LayerStep`: what tender, held muscles tell you, which muscle is likely inhibited, and where, graded by
:mod:`spinelab.clinic.case_study`. The branching cases are :class:`spinelab.clinic.case_player.CasePlayer`.
"""

from __future__ import annotations

import ipywidgets as widgets

from spinelab.anatomy import muscles
from spinelab.clinic import case_study
from spinelab.clinic.case_study import (
    ERECTOR_SPINAE,
    GUARDING_OPTIONS,
    LAYER_OPTIONS,
    WHERE_OPTIONS,
    guarding_feedback,
    inhibited_feedback,
    option_name,
    vignette,
    where_feedback,
)
from spinelab.course import references
from spinelab.course.display import Displayable
from spinelab.course.marks import mark
from spinelab.course.steps import CheckStep

_PLACEHOLDER = "choose"


def _option_label(option: str) -> str:
    return "Erector spinae" if option == ERECTOR_SPINAE else muscles.get(option).label


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
        options = [(_PLACEHOLDER, None), *((option_name(option), option) for option in LAYER_OPTIONS)]
        wide = {"description_width": "22em"}
        guarding_label = widgets.HTML("<b>Her back muscles are tender and held tense. What does that tell you?</b>")
        self.guarding = widgets.RadioButtons(options=GUARDING_OPTIONS, value=None, layout=widgets.Layout(width="auto"))
        self.inhibited = widgets.Dropdown(options=options, value=None, style=wide,
                                          layout=widgets.Layout(width="42em"),
                                          description="Which muscle is likely inhibited?")
        self.where = widgets.RadioButtons(options=WHERE_OPTIONS, value=None, layout=widgets.Layout(width="auto"))
        where_label = widgets.HTML(f"<b>Where would you look for the inhibition?</b> (pain: "
                                   f"{self.vignette.painful_side} side, {self.vignette.painful_level})")
        names = ", ".join(_option_label(option) for option in LAYER_OPTIONS)
        self.step: CheckStep[dict[str, bool | None]] = CheckStep(
            [guarding_label, self.guarding, self.inhibited, where_label, self.where], self._grade,
            "[Step: guarding and inhibition] Choose what her tender, held muscles tell you, which muscle is likely "
            f"inhibited ({names}), and where, then press 'Check'.",
            "**Guarding and inhibition.** Her back muscles are tender and held tense: what does that tell you? "
            f"Among {names}: which muscle is likely inhibited, and where would you look for the inhibition?")
        self.view = self.step

    def choose(self, guarding: str, inhibited_muscle: str, where: str) -> None:
        """Answer all three questions, as a student would."""
        for name, value, allowed in (("guarding", guarding, GUARDING_OPTIONS),
                                     ("inhibited_muscle", inhibited_muscle, LAYER_OPTIONS),
                                     ("where", where, WHERE_OPTIONS)):
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
                lines.append(f"<li><b>{key}</b>: choose an answer first.</li>")
                continue
            results[key], text = grade(value)
            lines.append(f"<li><b>{key}</b>: {mark('correct' if results[key] else 'wrong', text)}</li>")
        return results, f"<ul>{''.join(lines)}</ul>"
