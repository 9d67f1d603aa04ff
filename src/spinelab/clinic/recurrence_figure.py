"""How often low back pain comes back after recovery, as one cohort reported it: points with 95 % CIs, no model.

:func:`recurrence_panel` draws the three 12-month recurrence proportions of the recurrence cohort of
:mod:`spinelab.clinic.yellow_flags` (da Silva et al. 2019), each with its 95 % confidence interval, read from
:mod:`spinelab.multifidus.studies`. The alt text states every value, and the caption says the figures describe a
group, not one patient.
"""

from __future__ import annotations

import textwrap

from spinelab.clinic.yellow_flags import RECURRENCE_KEY
from spinelab.course import references, style
from spinelab.course.display import FigurePanel
from spinelab.course.live import LiveFigure
from spinelab.multifidus import studies


def recurrence_values() -> list[studies.Value]:
    """The cohort's reported 12-month recurrence proportions that have a confidence interval, in the data's order."""
    return [item for item in studies.values(RECURRENCE_KEY) if item.unit == "%" and item.ci]


def _alt_text(rows: list[studies.Value]) -> str:
    people = studies.value(f"{RECURRENCE_KEY}_participants").value
    shown = "; ".join(f"{item.quantity} {item.value:g} % (95 % CI {item.ci[0]:g}–{item.ci[1]:g})" for item in rows)
    return (f"Recurrence within 12 months in {people:g} people who had recently recovered from low back pain "
            f"{references.cite(RECURRENCE_KEY)}: {shown}.")


def recurrence_figure() -> LiveFigure:
    """The cohort's recurrence proportions as points with 95 % CI bars (a static figure)."""
    rows = recurrence_values()
    live = LiveFigure(_alt_text(rows), figsize=(7.5, 3.2))
    ax = live.axes[0]
    for y, item in enumerate(rows):
        ax.errorbar([item.value], [y], xerr=[[item.value - item.ci[0]], [item.ci[1] - item.value]], marker="D",
                    color=style.OKABE_ITO["bluish_green"], markeredgecolor="black", capsize=4, linestyle="none")
        ax.annotate(f"{item.value:g} %", (item.ci[1], y), xytext=(5, 0), textcoords="offset points", va="center",
                    fontsize="small")
    ax.set(xlim=(0, 100), ylim=(-0.6, len(rows) - 0.4), yticks=range(len(rows)),
           yticklabels=[textwrap.fill(item.quantity, 24) for item in rows],
           xlabel="Recurrence within 12 months of recovery (%, 95 % CI)",
           title=f"How often it comes back ({references.get(RECURRENCE_KEY).short()})")
    live.render()
    return live


def recurrence_panel() -> FigurePanel:
    """:func:`recurrence_figure` with its caption, displayable."""
    return FigurePanel(recurrence_figure(), caption="Reported proportions with their 95 % confidence intervals. "
                                                    "They describe a group of people, not one patient's future.")
