"""Notebook 04's case study: the patients, the steps a student works through, and a model of a plan.

The patients (fictional vignettes) are data, in ``data/vignettes.toml``. Each
step reuses a module of the course rather than copying it:

1. :class:`RedFlagStep`: the red-flag checklist of :mod:`spinelab.red_flags`, with
   feedback on what the history contains;
2. :class:`LayerStep`: which muscle guards and which is likely inhibited, graded
   and explained from the muscle data of :mod:`spinelab.muscles`;
3. :class:`PlanChooser`: a plan from the clinic's treatments (:mod:`spinelab.treatments`)
   plus specific multifidus exercise, and one figure of its modelled outcome.

The plan model (:func:`outcome`) composes three models of the course, unchanged:
pain and guarding from :func:`spinelab.guarding.simulate` (illustrative),
multifidus size from :func:`spinelab.recovery.predict` (illustrative), and
three-year recurrence from :func:`spinelab.recurrence.cumulative` (group curves
calibrated to Hides et al. 2001, joined by an illustrative link). Every number
it gives is a MODEL output, not a prediction for a patient.
"""

from __future__ import annotations

import html
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import ipywidgets as widgets
import numpy as np
from IPython.display import Markdown

from spinelab import guarding, muscles, recovery, recurrence, red_flags, references, style, treatments
from spinelab.live import LiveFigure, Panel
from spinelab.multifidus_figures import PLAN_COLOUR, PLAN_STYLE
from spinelab.quiz import Shown, markdown_html
from spinelab.validation import check_range

SIDES = ("left", "right", "both")
_VIGNETTE_TEXT = ("id", "title", "history", "examination", "painful_side", "painful_level")

#: The plan option with no treatment of the guarding (nearest to the control group of Hides et al. 1996, which had
#: medical management alone).
NO_TREATMENT = "none (advice and pain relief only)"
#: The clinic's options for the guarding, in the order of the dropdown.
TREATMENT_OPTIONS: tuple[str, ...] = (NO_TREATMENT, *treatments.NAMES)
#: Day (after the injury) a treatment of the guarding may start.
TREATMENT_START_RANGE = (0.0, 28.0)
#: Week specific exercise may start: up to the trial's last examination (week 10).
EXERCISE_START_RANGE = (0.0, recovery.FOLLOW_UP_WEEK)
#: The modelled weeks of pain, guarding and muscle size.
MODEL_WEEKS = 12.0
#: Pain counts as "gone" below this fraction of its day-0 value (an illustrative threshold).
PAIN_GONE_FRACTION = 0.05
#: Day on which the guarding readout is taken (four weeks after the injury).
GUARDING_DAY = 28.0
YEARS = np.linspace(0.0, recurrence.MAX_YEARS, 301)
#: What each readout's model is, said wherever the readouts are shown.
SIZE_NOTE = f"% of the other side, {recovery.ILLUSTRATIVE_NOTE}"
GUARDING_NOTE = "illustrative model of notebook 02 (treatment strengths made up and equal)"
RECURRENCE_NOTE = "calibrated group curves joined by an illustrative link, not an estimate"


# ------------------------------------------------------------------ the patients

@dataclass(frozen=True)
class Vignette:
    """A fictional patient: history, examination, and the red flags they contain."""

    id: str
    title: str
    history: str
    examination: str
    red_flags: tuple[str, ...]
    painful_side: str
    painful_level: str

    def screen(self) -> red_flags.ScreeningResult:
        """The red-flag screen of this patient's reported flags (:func:`spinelab.red_flags.screen`)."""
        return red_flags.screen(self.red_flags)

    def markdown(self) -> Markdown:
        """History and examination, for the notebook."""
        return Markdown(f"**{self.title}** *(fictional patient)*\n\n*History.* {self.history}\n\n"
                        f"*Examination.* {self.examination}")


def _vignette(row: dict, where: str) -> Vignette:
    text = {}
    for field in _VIGNETTE_TEXT:
        value = row.get(field)
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{where}: field {field!r} must be non-empty text; got {value!r}")
        text[field] = " ".join(value.split())
    if text["painful_side"] not in SIDES:
        raise ValueError(f"{where}: field 'painful_side' must be one of {', '.join(SIDES)}; "
                         f"got {text['painful_side']!r}")
    flags = row.get("red_flags")
    if not isinstance(flags, list):
        raise ValueError(f"{where}: field 'red_flags' must be a list of flag names; got {flags!r}")
    return Vignette(**text, red_flags=tuple(red_flags.flag(name).name for name in flags))


def parse(text: str) -> tuple[Vignette, ...]:
    """Parse vignette TOML text, validating every field (flags must be names of :data:`spinelab.red_flags.FLAGS`).

    Raises
    ------
    ValueError
        Naming the vignette and the field at fault, or an id used twice.
    """
    rows = tomllib.loads(text).get("vignette", [])
    items = tuple(_vignette(row, f"vignette {i} ({row.get('id', 'no id')})") for i, row in enumerate(rows, 1))
    ids = [item.id for item in items]
    if len(ids) != len(set(ids)):
        raise ValueError(f"vignette ids must be unique; got {ids}")
    return items


@cache
def vignettes() -> tuple[Vignette, ...]:
    """The course's patients, loaded once from ``data/vignettes.toml``."""
    return parse(resources.files("spinelab").joinpath("data/vignettes.toml").read_text(encoding="utf-8"))


def vignette(vignette_id: str) -> Vignette:
    """The patient with this id, e.g. ``vignette("warehouse")``.

    Raises
    ------
    ValueError
        If there is no such patient; the message lists the ids.
    """
    by_id = {item.id: item for item in vignettes()}
    if vignette_id not in by_id:
        raise ValueError(f"vignette_id must be one of {', '.join(by_id)}; got {vignette_id!r}")
    return by_id[vignette_id]


def route(vignette_id: str) -> str:
    """Where the screen sends this patient: the referral message, or on to the guarding assessment."""
    result = vignette(vignette_id).screen()
    if result.refer:
        return f"{result.message} Stop here: the guarding assessment and plan do not apply until a doctor has seen " \
               "the patient."
    return f"{result.message} Continue: assess the guarding and the deep muscles."


# ------------------------------------------------------------------ step 1: red flags

class RedFlagStep:
    """The red-flag checklist of notebook 02, with feedback on what this patient's history contains.

    Parameters
    ----------
    vignette_id : str
        The patient being screened.
    """

    def __init__(self, vignette_id: str) -> None:
        self.vignette = vignette(vignette_id)
        self.checklist = red_flags.RedFlagChecklist()
        self.check_button = widgets.Button(description="Check my screen", button_style="info")
        self.feedback = widgets.HTML()
        self.check_button.on_click(lambda _button: self.check())
        self.widget = widgets.VBox([self.checklist.widget, self.check_button, self.feedback])

    def tick(self, *names: str) -> None:
        """Tick flags by name, as a student would."""
        self.checklist.tick(*names)

    def check(self) -> bool:
        """Compare the ticked flags with the history; show feedback and return whether they match."""
        ticked, reported = set(self.checklist.ticked), set(self.vignette.red_flags)
        missed = [name for name in self.vignette.red_flags if name not in ticked]
        extra = [name for name in self.checklist.ticked if name not in reported]
        lines = []
        if missed:
            lines.append(f"❌ The history contains flags you did not tick: {'; '.join(missed)}.")
        if extra:
            lines.append(f"❌ Not in this history: {'; '.join(extra)}. Tick only what the patient reports or shows.")
        if not missed and not extra:
            lines.append("✅ Your screen matches the history.")
        lines.append(f"**Next step:** {route(self.vignette.id)}")
        self.feedback.value = markdown_html("\n\n".join(lines))
        return not missed and not extra

    def panel(self) -> Shown:
        """The checklist, a Check button and the feedback, displayable."""
        return Shown(self.widget, f"[Step: red-flag screen] {self.vignette.title}: tick the flags the history "
                                  f"contains, then press 'Check my screen'. {red_flags.DISCLAIMER}",
                     f"**Red-flag screen.** Which red flags does the history of *{self.vignette.title}* contain?")


# ------------------------------------------------------------------ step 2: which layer guards, which is inhibited

#: The erector spinae offered as one answer: the parts that lie beside L4-L5 (ids of :mod:`spinelab.muscles`).
#: Its lumbar fibres are the muscle felt there; its thoracic fibres reach the level only as tendon, in the
#: erector spinae aponeurosis.
ERECTOR_SPINAE = "erector_spinae"
ERECTOR_SPINAE_PARTS = ("longissimus_thoracis_lumbar", "iliocostalis_lumborum_lumbar",
                        "longissimus_thoracis_thoracic", "iliocostalis_lumborum_thoracic")
ERECTOR_SPINAE_NAME = "Erector spinae (lumbar and thoracic fibres)"
#: The answers offered in both questions: the erector spinae, and muscles of :mod:`spinelab.muscles` by id.
LAYER_OPTIONS = ("latissimus_dorsi", ERECTOR_SPINAE, "quadratus_lumborum", "multifidus", "transversus_abdominis")
#: The course's working hypothesis for the splint: the long extensors (a hypothesis; the evidence is mixed).
GUARDING = ERECTOR_SPINAE
#: The muscle the evidence of this case points to as inhibited (Hides et al. 1994; Hodges et al. 2006).
INHIBITED = "multifidus"
INHIBITION_KEYS = ("hides1994", "hodges2006")
GUARDING_KEYS = ("vandieen2003", "hodgestucker2011")
#: Where to look for the inhibition: the answer, then the distractors.
WHERE_OPTIONS = ("on the painful side, at the painful level", "on both sides, along the whole lumbar spine",
                 "on the side opposite the pain")
_GUARD_RULE = ("The course's working hypothesis is that the long extensors, the erector spinae, splint the painful "
               "segment: they are the tight, tender muscles beside it. Take it as a hypothesis, not a finding: "
               "comparing many studies, neither the pain-spasm-pain model (more activity) nor the pain adaptation "
               "model (less) was unequivocally supported, and the changes were proposed to be functional, "
               "enhancing stability; "
               "activity is proposed to be redistributed within and between muscles rather than simply raised "
               f"{references.cite(*GUARDING_KEYS)}.")
_INHIBIT_RULE = ("The deep, segmental local muscle lumbar multifidus was smaller on the painful side at one level in "
                 "first-episode low back pain, and shrank within days at the level of an experimental lesion in pigs "
                 f"{references.cite(*INHIBITION_KEYS)}.")
_WRONG_GUARD = {
    "latissimus_dorsi": "It is a superficial muscle of the arm, outside Bergmark's trunk systems; it reaches the "
                        "lumbar spinous processes only through the thoracolumbar fascia.",
    "quadratus_lumborum": "It lies in front of the lumbar transverse processes, in the posterior abdominal wall: "
                          "deeper than the muscles you feel beside L4-L5.",
    "multifidus": "It lies beside L4-L5 too, medial to the erector spinae, so it may be part of what you feel; but "
                  "the studies behind this case found it smaller at the painful level, so the course expects it to "
                  "be the inhibited muscle, not the splint.",
    "transversus_abdominis": "It is a muscle of the abdominal wall, not one you can feel beside the lumbar spine.",
}
_WRONG_INHIBIT = {
    "latissimus_dorsi": "It works for the arm or shoulder girdle, outside Bergmark's trunk systems.",
    ERECTOR_SPINAE: "It is the group the course's working hypothesis takes as the splint: expect it tight, not "
                    "inhibited.",
    "quadratus_lumborum": "It is local like multifidus, but the studies behind this case measured multifidus.",
    "transversus_abdominis": "It is local like multifidus, but the studies behind this case measured multifidus.",
}
_PLACEHOLDER = "choose"


def option_name(option: str) -> str:
    """The name shown for an answer of :data:`LAYER_OPTIONS`."""
    return ERECTOR_SPINAE_NAME if option == ERECTOR_SPINAE else muscles.get(option).name


def _option_label(option: str) -> str:
    return "Erector spinae" if option == ERECTOR_SPINAE else muscles.get(option).label


def _option_keys(option: str) -> tuple[str, ...]:
    parts = ERECTOR_SPINAE_PARTS if option == ERECTOR_SPINAE else (option,)
    return tuple(dict.fromkeys(key for part in parts for key in muscles.get(part).citations))


def _muscle_facts(muscle: muscles.Muscle) -> str:
    return (f"{muscle.name}: {muscle.layer} layer, Bergmark class {muscle.bergmark}, crosses "
            f"{muscle.segments_text} joints {muscle.cite()}.")


def _option_facts(option: str) -> str:
    if option != ERECTOR_SPINAE:
        return _muscle_facts(muscles.get(option))
    lumbar = " ".join(_muscle_facts(muscles.get(part)) for part in ERECTOR_SPINAE_PARTS[:2])
    thoracic_keys = dict.fromkeys(key for part in ERECTOR_SPINAE_PARTS[2:] for key in muscles.get(part).citations)
    return (f"Beside L4-L5, the erector spinae under your fingers is its lumbar fibres. {lumbar} Its thoracic "
            "fibres (the thoracic parts of longissimus and iliocostalis, Bergmark class global) reach this level "
            f"only as tendons in the erector spinae aponeurosis {references.cite(*thoracic_keys)}. So the answer "
            "spans Bergmark's classes: lumbar fibres local, thoracic fibres global.")


def _check_option(option: str) -> None:
    if option not in LAYER_OPTIONS:
        raise ValueError(f"muscle_id must be one of {'; '.join(LAYER_OPTIONS)}; got {option!r}")


def guarding_feedback(muscle_id: str) -> tuple[bool, str]:
    """Whether an answer of :data:`LAYER_OPTIONS` is the course's working hypothesis for the splint, and why."""
    _check_option(muscle_id)
    right = muscle_id == GUARDING
    verdict = "✅ Yes." if right else f"❌ Not the best answer. {_WRONG_GUARD[muscle_id]}"
    return right, f"{verdict} {_option_facts(muscle_id)} {_GUARD_RULE}"


def inhibited_feedback(muscle_id: str) -> tuple[bool, str]:
    """Whether an answer of :data:`LAYER_OPTIONS` is the one this case's evidence points to as inhibited, and why."""
    _check_option(muscle_id)
    right = muscle_id == INHIBITED
    verdict = "✅ Yes." if right else f"❌ Not the best answer. {_WRONG_INHIBIT[muscle_id]}"
    return right, f"{verdict} {_option_facts(muscle_id)} {_INHIBIT_RULE}"


def where_feedback(answer: str) -> tuple[bool, str]:
    """Whether the answer says where the inhibition is, and why."""
    if answer not in WHERE_OPTIONS:
        raise ValueError(f"answer must be one of {'; '.join(WHERE_OPTIONS)}; got {answer!r}")
    right = answer == WHERE_OPTIONS[0]
    verdict = "✅ Yes." if right else "❌ No."
    return right, (f"{verdict} The wasting reported was local: on the painful side, at one level, and in pigs at the "
                   f"level of the lesion with no change on the other side {references.cite(*INHIBITION_KEYS)}.")


class LayerStep:
    """Three questions with feedback: which muscle guards, which is likely inhibited, and where.

    Parameters
    ----------
    vignette_id : str
        The patient (their painful side and level are named in the questions).
    """

    def __init__(self, vignette_id: str = "warehouse") -> None:
        self.vignette = vignette(vignette_id)
        options = [(_PLACEHOLDER, None), *((option_name(option), option) for option in LAYER_OPTIONS)]
        wide = {"description_width": "22em"}
        self.guarding = widgets.Dropdown(options=options, value=None, style=wide, layout=widgets.Layout(width="42em"),
                                         description="Which muscle is most likely guarding?")
        self.inhibited = widgets.Dropdown(options=options, value=None, style=wide,
                                          layout=widgets.Layout(width="42em"),
                                          description="Which muscle is likely inhibited?")
        self.where = widgets.RadioButtons(options=WHERE_OPTIONS, value=None, layout=widgets.Layout(width="auto"))
        self.check_button = widgets.Button(description="Check", button_style="info")
        self.feedback = widgets.HTML()
        self.check_button.on_click(lambda _button: self.check())
        where_label = widgets.HTML(f"<b>Where would you look for the inhibition?</b> (pain: "
                                   f"{self.vignette.painful_side} side, {self.vignette.painful_level})")
        self.widget = widgets.VBox([self.guarding, self.inhibited, where_label, self.where, self.check_button,
                                    self.feedback])

    def choose(self, guarding_muscle: str, inhibited_muscle: str, where: str) -> None:
        """Answer all three questions, as a student would."""
        for name, value, allowed in (("guarding_muscle", guarding_muscle, LAYER_OPTIONS),
                                     ("inhibited_muscle", inhibited_muscle, LAYER_OPTIONS),
                                     ("where", where, WHERE_OPTIONS)):
            if value not in allowed:
                raise ValueError(f"{name} must be one of {'; '.join(allowed)}; got {value!r}")
        self.guarding.value, self.inhibited.value, self.where.value = guarding_muscle, inhibited_muscle, where

    def check(self) -> dict[str, bool | None]:
        """Show feedback; return, per question, whether it is right (None: not answered)."""
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
            lines.append(f"<li><b>{key}</b>: {html.escape(text)}</li>")
        self.feedback.value = f"<ul>{''.join(lines)}</ul>"
        return results

    def panel(self) -> Shown:
        """The three questions with a Check button and feedback, displayable."""
        names = ", ".join(_option_label(option) for option in LAYER_OPTIONS)
        return Shown(self.widget, f"[Step: guarding and inhibition] Choose which muscle guards and which is likely "
                                  f"inhibited ({names}), and where, then press 'Check'.",
                     f"**Guarding and inhibition.** Among {names}: which muscle is most likely guarding, which is "
                     "likely inhibited, and where would you look for the inhibition?")


# ------------------------------------------------------------------ step 3: the plan and its modelled outcome

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
        exercise_part = (f"specific exercise from week {self.exercise_start_week:g}, {self.adherence:.0%} kept up"
                         if self.specific_exercise else "no specific exercise")
        return f"{guarding_part}; {exercise_part}"


@dataclass(frozen=True)
class PlanOutcome:
    """The modelled course of one plan (MODEL outputs, not predictions for a patient).

    Attributes
    ----------
    plan : Plan
        The plan.
    curves : spinelab.guarding.GuardingCurves
        Injury, pain and guarding over :data:`MODEL_WEEKS` weeks (days grid).
    weeks : numpy.ndarray
        The same grid in weeks.
    size : numpy.ndarray
        Multifidus size on the painful side, % of the other side, on ``weeks``.
    recovery_achieved : float
        Where the size at week 10 lies between the control (0) and exercise (1) curves.
    recurrence : numpy.ndarray
        Proportion with at least one recurrence by each of :data:`YEARS`.
    """

    plan: Plan
    curves: guarding.GuardingCurves
    weeks: np.ndarray
    size: np.ndarray
    recovery_achieved: float
    recurrence: np.ndarray

    @property
    def pain_gone_day(self) -> float:
        """First day pain is below :data:`PAIN_GONE_FRACTION` of its day-0 value (``inf`` if it never is)."""
        below = np.flatnonzero(self.curves.pain < PAIN_GONE_FRACTION * self.curves.pain[0])
        return float(self.curves.days[below[0]]) if below.size else float("inf")

    @property
    def guarding_on_day_28(self) -> float:
        """Guarding four weeks after the injury (0 to 1)."""
        return float(np.interp(GUARDING_DAY, self.curves.days, self.curves.guarding))

    @property
    def size_at_follow_up(self) -> float:
        """Multifidus size at week 10, the trial's last examination (% of the other side)."""
        return float(recovery.predict(recovery.FOLLOW_UP_WEEK, self.plan.exercise_start_week,
                                      self.plan.exercise_done)[()])

    @property
    def recurrence_3y(self) -> float:
        """Proportion with at least one recurrence by three years."""
        return float(self.recurrence[-1])

    def numbers(self) -> dict[str, float]:
        """The four readouts: pain gone (day), guarding on day 28, size at week 10 (%), recurrence by 3 years."""
        return {"pain_gone_day": self.pain_gone_day, "guarding_day_28": self.guarding_on_day_28,
                "size_week_10": self.size_at_follow_up, "recurrence_3y": self.recurrence_3y}


def outcome(plan: Plan, params: guarding.GuardingParams | None = None) -> PlanOutcome:
    """Model a plan: pain and guarding, multifidus size, and three-year recurrence.

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
    achieved = recovery.recovery_achieved(plan.exercise_start_week, plan.exercise_done)
    return PlanOutcome(plan=plan, curves=curves, weeks=weeks,
                       size=recovery.predict(weeks, plan.exercise_start_week, plan.exercise_done),
                       recovery_achieved=achieved, recurrence=recurrence.cumulative(YEARS, achieved))


#: The plans every student plan is compared with.
ALTERNATIVES: tuple[Plan, ...] = (
    Plan("pain relief only"),
    Plan("stay active + specific exercise from week 2", treatment="gentle motion (stay active)",
         treatment_start_day=2.0, specific_exercise=True, exercise_start_week=2.0, adherence=1.0),
)
ALTERNATIVE_STYLES = (
    {"color": style.GROUP_COLOURS["control"], "linestyle": style.GROUP_LINESTYLES["control"]},
    {"color": style.GROUP_COLOURS["specific exercise"], "linestyle": style.GROUP_LINESTYLES["specific exercise"]},
)
#: The plan the chooser starts from: a common clinic plan, with room to change.
STARTING_PLAN = Plan("your plan", treatment="manual therapy", treatment_start_day=3.0, specific_exercise=True,
                     exercise_start_week=6.0, adherence=0.7)


def comparison(plans: Sequence[Plan], params: guarding.GuardingParams | None = None) -> str:
    """A plain-text table of the plans' modelled readouts (MODEL outputs), with what each column's model is."""
    width = max(len(plan.label) for plan in plans) + 2
    lines = [f"{'plan (model outputs)':<{width}}{'pain gone':>11}{'guarding':>10}{'multifidus*':>13}"
             f"{'recurrence':>12}",
             f"{'':<{width}}{'by day':>11}{'day 28':>10}{'week 10':>13}{'by year 3':>12}"]
    for plan in plans:
        numbers = outcome(plan, params).numbers()
        lines.append(f"{plan.label:<{width}}{numbers['pain_gone_day']:>11.0f}{numbers['guarding_day_28']:>10.0%}"
                     f"{numbers['size_week_10']:>12.0f}%{numbers['recurrence_3y']:>12.0%}")
    lines += [f"* multifidus: {SIZE_NOTE}", f"  pain, guarding: {GUARDING_NOTE}", f"  recurrence: {RECURRENCE_NOTE}"]
    return "\n".join(lines)


def plan_feedback(result: PlanOutcome) -> str:
    """Feedback on a plan's modelled outcome and on the evidence for its treatment (Markdown)."""
    plan, numbers = result.plan, result.numbers()
    notes = []
    if not plan.specific_exercise or plan.adherence == 0.0:
        notes.append(f"Pain is gone by about day {numbers['pain_gone_day']:.0f}, yet the modelled multifidus is "
                     "still smaller than the other side at week 10: the pattern reported for the control group "
                     f"{references.cite('hides1996')}. (How much smaller was not available to us: the curve is "
                     "illustrative.)")
    elif plan.exercise_start_week > 2.0:
        earlier = outcome(Plan("earlier", specific_exercise=True, exercise_start_week=2.0, adherence=plan.adherence))
        notes.append(f"Until week {plan.exercise_start_week:g} the muscle follows the untreated curve. Started at "
                     "week 2 with the same adherence, the modelled muscle recovers further by week 10 "
                     f"({recovery.ILLUSTRATIVE_NOTE}), and three-year recurrence is {earlier.recurrence_3y:.0%} "
                     f"instead of {numbers['recurrence_3y']:.0%} ({RECURRENCE_NOTE}).")
    if plan.specific_exercise and plan.adherence < 1.0:
        notes.append(f"Only {plan.adherence:.0%} of the programme is done: the model recovers less, and less "
                     "quickly. Adherence is something to plan for.")
    if plan.treatment == NO_TREATMENT:
        notes.append("No treatment of the guarding: in this model it fades anyway as the tissue heals; a treatment "
                     "only makes it fade sooner.")
    else:
        chosen = treatments.get(plan.treatment)
        notes.append(f"The model gives all five clinic treatments the same made-up strength, so choose by evidence. "
                     f"*{chosen.name}*: {chosen.evidence_summary} {references.cite(*dict.fromkeys(chosen.keys))}")
    return "\n".join(f"- {note}" for note in notes)


class PlanChooser:
    """Choose a plan and see its modelled outcome against the alternatives, on one figure.

    Four panels, all MODEL outputs: pain and guarding (illustrative guarding model),
    multifidus size (illustrative recovery model) over 12 weeks, and cumulative
    recurrence over three years (calibrated group curves, illustrative link).
    The alternatives are drawn once; only the student's plan is redrawn.

    Parameters
    ----------
    plan : Plan
        The plan the widgets start from.
    """

    def __init__(self, plan: Plan = STARTING_PLAN) -> None:
        wide, width = {"description_width": "16em"}, widgets.Layout(width="36em")
        self.exercise = widgets.Checkbox(value=plan.specific_exercise, indent=False,
                                         description="Include specific multifidus exercise")
        self.exercise_start = widgets.IntSlider(value=round(plan.exercise_start_week),
                                                min=round(EXERCISE_START_RANGE[0]), max=round(EXERCISE_START_RANGE[1]),
                                                description="Exercise starts at week", style=wide, layout=width)
        self.adherence = widgets.IntSlider(value=round(plan.adherence * 100), min=0, max=100, step=10, style=wide,
                                           description="Programme kept up (%)", layout=width)
        self.treatment = widgets.Dropdown(options=TREATMENT_OPTIONS, value=plan.treatment, style=wide,
                                          description="Treatment of the guarding", layout=width)
        self.treatment_start = widgets.IntSlider(value=round(plan.treatment_start_day),
                                                 min=round(TREATMENT_START_RANGE[0]),
                                                 max=round(TREATMENT_START_RANGE[1]),
                                                 description="Treatment starts on day", style=wide, layout=width)
        self.live = LiveFigure(
            "Four panels comparing your plan (black dash-dot line) with two alternatives: pain relief only (dashed) "
            "and staying active with specific exercise from week 2 (solid). Top left: modelled pain over 12 weeks, "
            "falling to near zero in every plan. Top right: modelled guarding, which rises in the first days and "
            "fades, a little sooner with a treatment. Bottom left: modelled multifidus size on the painful side, "
            "which returns towards the other side's size only with specific exercise, sooner when it starts "
            "earlier. Bottom right: modelled cumulative recurrence over three years, lower the more the muscle "
            "recovered.",
            figsize=(10.0, 6.5), nrows=2, ncols=2,
        )
        self.readout, self.feedback = widgets.HTML(), widgets.HTML()
        self._draw_static()
        # The first update draws the figure: refresh() renders the background when there is none yet.
        self.update()
        for control in (self.exercise, self.exercise_start, self.adherence, self.treatment, self.treatment_start):
            control.observe(lambda _change: self.update(), names="value")

    def _draw_static(self) -> None:
        pain_ax, guard_ax, size_ax, recur_ax = self.live.axes
        params = guarding.GuardingParams()
        pain_ax.set(xlim=(0, MODEL_WEEKS), ylim=(0, params.injury_severity + params.loop_gain),
                    xlabel="Weeks after the injury", ylabel="Pain (model units)", title="Pain (model)")
        pain_gone = PAIN_GONE_FRACTION * params.injury_severity
        pain_ax.axhline(pain_gone, color=style.STRUCTURE_EDGE, linestyle=":", linewidth=1.0)
        pain_ax.annotate("'pain gone' (illustrative threshold)", (MODEL_WEEKS, pain_gone), ha="right", va="bottom",
                         xytext=(0, 3), textcoords="offset points", fontsize="small")
        guard_ax.set(xlim=(0, MODEL_WEEKS), ylim=(0, 100), xlabel="Weeks after the injury",
                     ylabel="Guarding (% of maximal)", title="Guarding (model)")
        size_ax.set(xlim=(0, MODEL_WEEKS), ylim=(70, 105), xlabel="Weeks after the injury",
                    ylabel=recovery.SIZE_AXIS_LABEL, title="Multifidus size (model)")
        size_ax.axhline(100.0, color=style.STRUCTURE_EDGE, linewidth=1.0)
        size_ax.axvline(recovery.FOLLOW_UP_WEEK, color=style.STRUCTURE_EDGE, linestyle=":", linewidth=1.0)
        size_ax.annotate("week 10: last exam of\nHides et al. 1996", (recovery.FOLLOW_UP_WEEK, 72), ha="right",
                         xytext=(-4, 0), textcoords="offset points", fontsize="small")
        recur_ax.set(xlim=(0, recurrence.MAX_YEARS), ylim=(0, 100), xlabel="Years after treatment",
                     ylabel="≥ 1 recurrence so far (%)", title="Recurrence (model)")
        alternatives = [outcome(plan) for plan in ALTERNATIVES]
        # The alternatives never change: their curves are static and their readouts computed once.
        self._alternative_rows = [(result.plan.label, result.numbers()) for result in alternatives]
        for result, line_style in zip(alternatives, ALTERNATIVE_STYLES, strict=True):
            self._plot(result, line_style)
        self.lines = self._plot(outcome(STARTING_PLAN), {"color": PLAN_COLOUR, "linestyle": PLAN_STYLE})
        self.live.dynamic(*self.lines)
        self.live.figure.legend(handles=[*recur_ax.get_lines()[:2], self.lines[-1]],
                                labels=[plan.label for plan in ALTERNATIVES] + ["your plan"],
                                loc="outside lower center", ncols=3)

    def _plot(self, result: PlanOutcome, line_style: dict) -> list:
        pain_ax, guard_ax, size_ax, recur_ax = self.live.axes
        return [pain_ax.plot(result.weeks, result.curves.pain, **line_style)[0],
                guard_ax.plot(result.weeks, 100.0 * result.curves.guarding, **line_style)[0],
                size_ax.plot(result.weeks, result.size, **line_style)[0],
                recur_ax.plot(YEARS, 100.0 * result.recurrence, **line_style)[0]]

    @property
    def plan(self) -> Plan:
        """The plan the widgets describe."""
        return Plan("your plan", treatment=self.treatment.value, treatment_start_day=self.treatment_start.value,
                    specific_exercise=self.exercise.value, exercise_start_week=self.exercise_start.value,
                    adherence=self.adherence.value / 100.0)

    def state(self) -> dict[str, float]:
        """The current plan's modelled readouts (see :meth:`PlanOutcome.numbers`)."""
        return outcome(self.plan).numbers()

    def update(self) -> None:
        """Recompute the plan, redraw its four curves and the readout."""
        result = outcome(self.plan)
        pain_line, guard_line, size_line, recur_line = self.lines
        pain_line.set_ydata(result.curves.pain)
        guard_line.set_ydata(100.0 * result.curves.guarding)
        size_line.set_ydata(result.size)
        recur_line.set_ydata(100.0 * result.recurrence)
        self.exercise_start.disabled = self.adherence.disabled = not self.exercise.value
        self.treatment_start.disabled = self.treatment.value == NO_TREATMENT
        rows = [*self._alternative_rows, ("your plan", result.numbers())]
        cells = "".join(
            f"<tr><td>{html.escape(label)}</td><td>day {n['pain_gone_day']:.0f}</td><td>{n['guarding_day_28']:.0%}"
            f"</td><td>{n['size_week_10']:.0f}%</td><td>{n['recurrence_3y']:.0%}</td></tr>" for label, n in rows)
        self.readout.value = (
            "<b>Model outputs, not predictions for a patient.</b><table><tr><th>plan</th><th>pain gone by</th>"
            "<th>guarding, day 28</th><th>multifidus, week 10*</th><th>recurrence by year 3</th></tr>"
            f"{cells}</table><small>* {html.escape(SIZE_NOTE)}. Your plan: {html.escape(self.plan.describe())}."
            "</small>")
        self.feedback.value = markdown_html(plan_feedback(result))
        self.live.refresh()

    def panel(self) -> Panel:
        """The plan's widgets, readout, feedback and the outcome figure, displayable."""
        exercise_head = widgets.HTML("<b>Specific multifidus exercise</b>")
        guarding_head = widgets.HTML("<b>Treatment of the guarding</b> (the clinic's options, notebook 02)")
        return Panel(self.live, [exercise_head, self.exercise, self.exercise_start, self.adherence, guarding_head,
                                 self.treatment, self.treatment_start, self.readout, self.feedback],
                     caption="All curves are models. Pain and guarding: the illustrative model of notebook 02 "
                             "(treatment strengths made up and equal). Multifidus: the illustrative recovery curves "
                             "of notebook 03 (invented scale, not data). Recurrence: curves calibrated to Hides et al. "
                             "2001, placed by the recovery at week 10 (an illustrative link, not an estimate).")


def citation_keys() -> tuple[str, ...]:
    """Every citation key the steps and the plan model show, without repeats (for the reference list)."""
    flag_keys = [key for item in red_flags.FLAGS for key in item.sources]
    muscle_keys = [key for option in LAYER_OPTIONS for key in _option_keys(option)]
    return tuple(dict.fromkeys([red_flags.FRAMEWORK_KEY, *flag_keys, *muscle_keys, *GUARDING_KEYS, *INHIBITION_KEYS,
                                "hides1996", "hides2001", *treatments.citation_keys()]))


def outcome_figure() -> LiveFigure:
    """The outcome figure with the starting plan, for handouts."""
    return PlanChooser().live
