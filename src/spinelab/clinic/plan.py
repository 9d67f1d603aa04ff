"""The case study's plans: a plan, what the evidence says about each of its parts, and a model of mechanism.

A plan is one treatment of the guarding from a start day, plus optional specific
multifidus exercise. Plans are compared by what the guidelines and reviews say
about their parts (:func:`evidence_for`); the model (:func:`outcome`) composes two
illustrative models of the course, unchanged, to show *how* the parts could act:
guarding from :func:`spinelab.guarding.guarding.simulate` and multifidus size from
:func:`spinelab.multifidus.recovery.predict`. Its outputs illustrate a mechanism; they are
never a patient's prognosis, so no pain or recurrence figure is modelled here:
those are shown as reported data (:mod:`spinelab.multifidus.evidence_figures`). The
figure is :class:`spinelab.clinic.plan_chooser.PlanChooser` (the handouts' outcome figure).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from spinelab.course import references, wording
from spinelab.course.validation import check_range
from spinelab.guarding import guarding, treatments
from spinelab.multifidus import recovery

#: The plan option with no treatment of the guarding (nearest to the control group of Hides et al. 1996, which had
#: medical management alone).
NO_TREATMENT = "none (advice and pain relief only)"
#: The clinic's options for the guarding, in the order of the dropdown.
TREATMENT_OPTIONS: tuple[str, ...] = (NO_TREATMENT, *treatments.NAMES)
#: Day (after the injury) a treatment of the guarding may start.
TREATMENT_START_RANGE = (0.0, 28.0)
#: Weeks specific exercise may start: up to the trial's last examination (a test checks it against the study data).
EXERCISE_START_RANGE = (0.0, 10.0)
#: The modelled weeks of guarding and muscle size.
MODEL_WEEKS = 12.0
#: Day on which the guarding readout is taken (four weeks after the injury).
GUARDING_DAY = 28.0
#: The table of ``data/wording.toml`` with this module's sentences (the evidence and what the model illustrates).
WORDS = "plan"
#: The evidence for specific exercise after a first episode, shown for every plan that includes it.
EXERCISE_EVIDENCE_KEYS = ("hides1996", "hides2001", "choi2010")
#: Most patients improve whatever the treatment; the control group whose muscle stayed small.
NATURAL_COURSE_KEY, CONTROL_GROUP_KEY = "qaseem2017", "hides1996"


@dataclass(frozen=True)
class Plan:
    """A plan: one treatment of the guarding from a start day, and optional specific multifidus exercise.

    Parameters
    ----------
    label : str
        Name shown in the figure legend.
    treatment : str
        One of :data:`TREATMENT_OPTIONS` (:data:`NO_TREATMENT` for advice and pain relief only).
    treatment_start_day : float
        Day after the injury the treatment starts, in [0, 28].
    specific_exercise : bool
        Whether the plan includes specific multifidus exercise.
    exercise_start_week : float
        Week the exercise starts, in [0, 10].
    adherence : float
        Fraction of the exercise programme carried out, in [0, 1].
    """

    label: str
    treatment: str = NO_TREATMENT
    treatment_start_day: float = 2.0
    specific_exercise: bool = False
    exercise_start_week: float = 2.0
    adherence: float = 1.0

    def __post_init__(self) -> None:
        if self.treatment not in TREATMENT_OPTIONS:
            raise ValueError(f"treatment must be one of {'; '.join(TREATMENT_OPTIONS)}; got {self.treatment!r}")
        object.__setattr__(self, "treatment_start_day",
                           check_range("treatment_start_day", self.treatment_start_day, *TREATMENT_START_RANGE))
        object.__setattr__(self, "exercise_start_week",
                           check_range("exercise_start_week", self.exercise_start_week, *EXERCISE_START_RANGE))
        object.__setattr__(self, "adherence", check_range("adherence", self.adherence, 0.0, 1.0))

    @property
    def exercise_done(self) -> float:
        """The adherence the recovery model gets: 0 without specific exercise."""
        return self.adherence if self.specific_exercise else 0.0

    def describe(self) -> str:
        """The plan in words."""
        guarding_part = ("no treatment of the guarding" if self.treatment == NO_TREATMENT
                         else f"{self.treatment} from day {self.treatment_start_day:g}")
        exercise_part = (wording.phrase(WORDS, "exercise_part", week=f"{self.exercise_start_week:g}",
                                        adherence=f"{self.adherence:.0%}")
                         if self.specific_exercise else "no specific exercise")
        return f"{guarding_part}; {exercise_part}"


@dataclass(frozen=True)
class PlanOutcome:
    """The modelled course of one plan (MODEL outputs illustrating a mechanism, not a prognosis).

    Attributes
    ----------
    plan : Plan
        The plan.
    curves : spinelab.guarding.guarding.GuardingCurves
        Injury, pain and guarding over :data:`MODEL_WEEKS` weeks (days grid).
    weeks : numpy.ndarray
        The same grid in weeks.
    size : numpy.ndarray
        Multifidus size on the painful side, % of the other side, on ``weeks`` (illustrative scale).
    """

    plan: Plan
    curves: guarding.GuardingCurves
    weeks: np.ndarray
    size: np.ndarray

    @property
    def guarding_on_day_28(self) -> float:
        """Modelled guarding four weeks after the injury (0 to 1)."""
        return float(np.interp(GUARDING_DAY, self.curves.days, self.curves.guarding))

    @property
    def size_at_follow_up(self) -> float:
        """Modelled multifidus size at week 10, the trial's last examination (% of the other side)."""
        return float(recovery.predict(recovery.follow_up_week(), self.plan.exercise_start_week,
                                      self.plan.exercise_done)[()])


def outcome(plan: Plan, params: guarding.GuardingParams | None = None) -> PlanOutcome:
    """Model a plan's guarding and multifidus size (illustrative models of notebooks 02 and 03).

    Parameters
    ----------
    plan : Plan
        The plan to model.
    params : GuardingParams, optional
        Guarding-model parameters; the course defaults (notebook 02) if None: a loop gain below the threshold,
        so guarding fades as the tissue heals, with or without treatment.

    Returns
    -------
    PlanOutcome
        The modelled curves; the specific exercise does not act on guarding in this model.
    """
    if not isinstance(plan, Plan):
        raise ValueError(f"plan must be a Plan; got {plan!r}")
    treatment = None if plan.treatment == NO_TREATMENT else treatments.get(plan.treatment)
    curves = guarding.simulate(params, treatment, start_day=plan.treatment_start_day, days=MODEL_WEEKS * 7.0)
    weeks = curves.days / 7.0
    return PlanOutcome(plan=plan, curves=curves, weeks=weeks,
                       size=recovery.predict(weeks, plan.exercise_start_week, plan.exercise_done))


#: The plans every student plan is compared with.
ALTERNATIVES: tuple[Plan, ...] = (
    Plan("pain relief only"),
    Plan("stay active + specific exercise from week 2", treatment="gentle motion (stay active)",
         treatment_start_day=2.0, specific_exercise=True, exercise_start_week=2.0, adherence=1.0),
)
#: The plan the chooser starts from: a common clinic plan, with room to change.
STARTING_PLAN = Plan("your plan", treatment="manual therapy", treatment_start_day=3.0, specific_exercise=True,
                     exercise_start_week=6.0, adherence=0.7)


def citation_keys() -> tuple[str, ...]:
    """Every key :func:`plan_feedback` can cite, whichever plan is chosen, without repeats."""
    keys = [NATURAL_COURSE_KEY, *(key for item in treatments.all_treatments().values() for key in item.keys),
            *EXERCISE_EVIDENCE_KEYS, CONTROL_GROUP_KEY]
    return tuple(dict.fromkeys(keys))


def evidence_for(plan: Plan) -> list[str]:
    """What the evidence says about each part of a plan, one Markdown sentence per part, with citations."""
    if plan.treatment == NO_TREATMENT:
        parts = [wording.phrase(WORDS, "no_treatment_evidence", citation=references.cite(NATURAL_COURSE_KEY))]
    else:
        chosen = treatments.get(plan.treatment)
        parts = [f"*{chosen.name}:* {chosen.evidence_summary} {references.cite(*dict.fromkeys(chosen.keys))}"]
    if plan.specific_exercise:
        parts.append(wording.phrase(WORDS, "exercise_evidence", citation=references.cite(*EXERCISE_EVIDENCE_KEYS)))
    return parts


def plan_feedback(result: PlanOutcome) -> str:
    """Feedback on a plan: the evidence for its parts, then what the model illustrates (Markdown)."""
    plan = result.plan
    notes = evidence_for(plan)
    if not plan.specific_exercise or plan.adherence == 0.0:
        notes.append(wording.phrase(WORDS, "model_without_exercise", citation=references.cite(CONTROL_GROUP_KEY)))
    elif plan.exercise_start_week > 2.0:
        notes.append(wording.phrase(WORDS, "model_late_start", week=f"{plan.exercise_start_week:g}",
                                    model_note=recovery.ILLUSTRATIVE_NOTE))
    if plan.specific_exercise and plan.adherence < 1.0:
        notes.append(wording.phrase(WORDS, "model_adherence", adherence=f"{plan.adherence:.0%}"))
    if plan.treatment == NO_TREATMENT:
        notes.append(wording.phrase(WORDS, "model_no_treatment"))
    else:
        notes.append(wording.phrase(WORDS, "model_treatments"))
    return "\n".join(f"- {note}" for note in notes)


def __getattr__(name: str) -> str:
    """:data:`SIZE_NOTE`, what each readout's model is (said wherever the readouts are shown), from the data."""
    if name == "SIZE_NOTE":
        return wording.phrase(WORDS, "size_note", model_note=recovery.ILLUSTRATIVE_NOTE)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
