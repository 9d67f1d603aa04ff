"""The red-flag checklist of notebook 02: checkboxes under the four conditions and the triage result.

The triage itself is :func:`spinelab.clinic.red_flags.screen` (a TEACHING AID, not
a diagnostic tool). In static mode (slides) the checklist is Markdown: the
flags under their conditions and the triage rule, with no widget.
"""

from __future__ import annotations

import ipywidgets as widgets

from spinelab.clinic import red_flags
from spinelab.clinic.red_flags import (
    CONDITIONS,
    EMERGENCY,
    NONE,
    ROUTINE,
    SAME_DAY,
    URGENT,
    RedFlag,
    ScreeningResult,
    flag,
    flags,
    flags_for,
    level_words,
    notes,
    screen,
)
from spinelab.course import references, style, wording
from spinelab.course.display import Display, Displayable, markdown_html

#: Colour (Okabe-Ito) of each level; the text label is always shown with it.
LEVEL_COLOURS = {EMERGENCY: style.OKABE_ITO["vermillion"], SAME_DAY: style.OKABE_ITO["reddish_purple"],
                 URGENT: style.OKABE_ITO["orange"], ROUTINE: style.OKABE_ITO["blue"],
                 NONE: style.OKABE_ITO["bluish_green"]}


def flag_label(item: RedFlag) -> str:
    """A flag as the checklist lists it: its name, its other conditions and the level it reaches alone."""
    others = item.conditions[1:]
    return item.name + (f" (also {', '.join(others)})" if others else "") + f" [{level_words(item.level)} on its own]"


def _listed_under(condition: str) -> tuple[RedFlag, ...]:
    """The flags listed under a condition: those for which it is the first condition."""
    return tuple(item for item in flags_for(condition) if item.conditions[0] == condition)


def _introduction() -> str:
    return wording.phrase("red_flag_checklist", "introduction", disclaimer=red_flags.DISCLAIMER,
                          citation=references.cite(red_flags.FRAMEWORK_KEY))


def checklist_markdown() -> str:
    """The checklist for static exports: the disclaimer, the flags under their conditions and the triage rule."""
    groups = [f"**{condition.capitalize()}**\n\n" + "\n".join(f"- {flag_label(item)}" for item in
                                                              _listed_under(condition))
              for condition in CONDITIONS]
    return "\n\n".join([_introduction(), *groups, f"**Triage rule.** {red_flags.RULE}"])


@references.shows(red_flags.citation_keys)
class RedFlagChecklist(Displayable):
    """Checkboxes grouped under the four conditions, and the triage result below them."""

    def __init__(self) -> None:
        self.checkboxes = {
            item.name: widgets.Checkbox(value=False, description=flag_label(item), indent=False,
                                        layout=widgets.Layout(width="auto"))
            for item in flags()
        }
        groups = [widgets.VBox([widgets.HTML(f"<b>{condition.capitalize()}</b>"),
                                *(self.checkboxes[item.name] for item in _listed_under(condition))])
                  for condition in CONDITIONS]
        self.result = widgets.HTML()
        for box in self.checkboxes.values():
            box.observe(lambda _change: self.update(), names="value")
        self.note = widgets.HTML(markdown_html(f"{_introduction()}\n\n**Triage rule.** {red_flags.RULE}"))
        self.footnotes = widgets.HTML(markdown_html("\n".join(f"- {line}" for line in notes())))
        self.widget = widgets.VBox([self.note, widgets.GridBox(
            groups, layout=widgets.Layout(grid_template_columns="repeat(2, minmax(0, 1fr))")), self.footnotes,
            self.result])
        # The plain text states the current result: update() writes it.
        self.view = Display(self.widget, "", checklist_markdown())
        self.update()

    def tick(self, *names: str) -> None:
        """Tick flags by name, as a student clicking them."""
        for name in names:
            self.checkboxes[flag(name).name].value = True

    def clear(self) -> None:
        """Untick every flag."""
        for box in self.checkboxes.values():
            box.value = False

    @property
    def ticked(self) -> tuple[str, ...]:
        """Names of the ticked flags."""
        return tuple(name for name, box in self.checkboxes.items() if box.value)

    def update(self) -> ScreeningResult:
        """Triage the ticked flags and show the level (colour and text), action, reasons and safety-netting."""
        outcome = screen(self.ticked)
        self.outcome = outcome
        colour = LEVEL_COLOURS[outcome.level]
        reasons = "".join(f"<li>{reason}</li>" for reason in outcome.reasons)
        # The level in the data's words (its label names it), in its colour: no upper-case code for the class; the
        # decision only when a flag is ticked (with none, it would repeat the label).
        self.result.value = (
            f"<div style='border-left:8px solid {colour};padding-left:8px'>"
            f"<p><span style='background:{colour};color:#FFFFFF;padding:1px 6px'><b>{outcome.label}</b>"
            f"</span>{f' ({outcome.decision})' if outcome.flags else ''}</p>"
            f"<p><b>Action:</b> {outcome.action}</p>"
            + (f"<p><b>Why:</b></p><ul>{reasons}</ul>" if reasons else "")
            + f"<p><b>Safety-netting (tell the patient):</b> {outcome.safety_netting}</p></div>")
        self.view.text = wording.phrase(
            "red_flag_checklist", "view_text", conditions=len(CONDITIONS), ticked=len(outcome.flags),
            level=level_words(outcome.level).upper(), label=outcome.label, action=outcome.action,
            disclaimer=red_flags.DISCLAIMER, rule=red_flags.RULE)
        return outcome
