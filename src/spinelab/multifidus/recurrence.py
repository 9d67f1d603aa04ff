"""Recurrence of low back pain: what Hides et al. 2001 reported, and the effect sizes that follow from it.

What was reported
-----------------
Telephone questionnaires one year and three years after treatment found
recurrence in 30 % of the specific-exercise group and 84 % of the control group
one year after treatment, and in 35 % and 75 % "two to three years after
treatment". The abstract defines neither the window each question covered nor
how many patients answered each call, so the four figures are shown as
reported proportions at two follow-ups, never joined into one curve.

:func:`reported_effects` computes the absolute risk reduction (ARR) and the
number needed to treat (NNT) at each follow-up from those figures alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from spinelab.course import wording
from spinelab.course.validation import check_range
from spinelab.multifidus import studies

#: Patients randomised in the trial (Hides et al. 1996; followed up by Hides et al. 2001).
TRIAL_SIZE_ID = "hides2001_patients"


def absolute_risk_reduction(control_risk: float, treated_risk: float) -> float:
    """ARR = control risk - treated risk (proportions in [0, 1])."""
    control_risk = check_range("control_risk", control_risk, 0.0, 1.0)
    treated_risk = check_range("treated_risk", treated_risk, 0.0, 1.0)
    return control_risk - treated_risk


def number_needed_to_treat(control_risk: float, treated_risk: float) -> int:
    """NNT = 1 / ARR, rounded up to a whole patient.

    Raises
    ------
    ValueError
        If the treatment does not reduce the risk (ARR <= 0): no NNT exists.
    """
    reduction = absolute_risk_reduction(control_risk, treated_risk)
    if reduction <= 0.0:
        raise ValueError(f"treated_risk must be below control_risk for an NNT; got ARR = {reduction:.3f}")
    # Round first so that e.g. 1 / 0.5 does not become 2.0000000001 and round up to 3.
    return math.ceil(round(1.0 / reduction, 9))


@dataclass(frozen=True)
class Effect:
    """ARR and NNT at one follow-up of Hides et al. 2001, from the reported figures."""

    follow_up: str
    control_risk: float
    exercise_risk: float
    absolute_risk_reduction: float
    number_needed_to_treat: int

    def sentence(self) -> str:
        """The effect in words, with the small-trial caveat."""
        patients = studies.value(TRIAL_SIZE_ID).value
        return wording.phrase("recurrence", "sentence", follow_up=self.follow_up, control=f"{self.control_risk:.0%}",
                              exercise=f"{self.exercise_risk:.0%}", arr=f"{self.absolute_risk_reduction:.2f}",
                              nnt=self.number_needed_to_treat, patients=f"{patients:g}")


def reported_effects() -> list[Effect]:
    """ARR and NNT at each follow-up, computed from the figures reported by Hides et al. 2001.

    No confidence interval is given: it needs the number of patients answering in
    each group at each follow-up, which the abstract does not report.
    """
    control = studies.reported_recurrence("control")
    exercise = studies.reported_recurrence("specific exercise")
    return [
        Effect(f"{studies.years_label(c.period)} after treatment", c.proportion, e.proportion,
               absolute_risk_reduction(c.proportion, e.proportion), number_needed_to_treat(c.proportion, e.proportion))
        for c, e in zip(control, exercise, strict=True)
    ]
