"""Notebook 06's case studies: the patients and the screening and reasoning steps a student works through.

The patients (fictional vignettes) are data, in ``data/vignettes.toml``. Each
step reuses a module of the course rather than copying it:

1. :class:`RedFlagStep`: the red-flag checklist of :mod:`spinelab.clinic.red_flags`, with
   feedback on what the history contains;
2. :class:`LayerStep`: which muscle guards and which is likely inhibited, graded
   and explained from the muscle data of :mod:`spinelab.anatomy.muscles`;
3. the plan step is :class:`spinelab.clinic.case_plan.PlanChooser`.
"""

from __future__ import annotations

import html
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

import ipywidgets as widgets
from IPython.display import Markdown

from spinelab.anatomy import muscles
from spinelab.clinic import case_plan, red_flags
from spinelab.course import references
from spinelab.course.quiz import Shown, markdown_html
from spinelab.guarding import treatments

SIDES = ("left", "right", "both")
_VIGNETTE_TEXT = ("id", "title", "history", "examination", "painful_side", "painful_level")

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
        """The red-flag screen of this patient's reported flags (:func:`spinelab.clinic.red_flags.screen`)."""
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
    """Parse vignette TOML text, validating every field (flags must be names of :func:`red_flags.flags`).

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

#: The erector spinae offered as one answer: the parts that lie beside L4-L5 (ids of :mod:`spinelab.anatomy.muscles`).
#: Its lumbar fibres are the muscle felt there; its thoracic fibres reach the level only as tendon, in the
#: erector spinae aponeurosis.
ERECTOR_SPINAE = "erector_spinae"
ERECTOR_SPINAE_PARTS = ("longissimus_thoracis_lumbar", "iliocostalis_lumborum_lumbar",
                        "longissimus_thoracis_thoracic", "iliocostalis_lumborum_thoracic")
ERECTOR_SPINAE_NAME = "Erector spinae (lumbar and thoracic fibres)"
#: The answers offered in both questions: the erector spinae, and muscles of :mod:`spinelab.anatomy.muscles` by id.
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
               "segment: the tight, tender lumbar erector spinae lie lateral to multifidus. Take it as a hypothesis,"
               " not a finding: comparing many studies, neither the pain-spasm-pain model (more activity) nor the "
               "pain adaptation model (less) was unequivocally supported, and the changes were proposed to be "
               "functional, enhancing stability; activity is proposed to be redistributed within and between muscles"
               " rather than simply raised "
               f"{references.cite(*GUARDING_KEYS)}.")
_INHIBIT_RULE = ("The deep, segmental local muscle lumbar multifidus was smaller on the painful side at one level in "
                 "first-episode low back pain, and shrank within days at the level of an experimental lesion in pigs "
                 f"{references.cite(*INHIBITION_KEYS)}.")
_WRONG_GUARD = {
    "latissimus_dorsi": "It is a superficial muscle of the arm, outside Bergmark's trunk systems; it reaches the "
                        "lumbar spinous processes only through the thoracolumbar fascia.",
    "quadratus_lumborum": "It lies in front of the lumbar transverse processes, in the posterior abdominal wall: "
                          "deeper than the muscles you feel beside L4-L5.",
    "multifidus": "It fills the space beside the L4 and L5 spinous processes, under the erector spinae "
                  "aponeurosis, so it is part of what you press on; but the studies behind this case found it smaller "
                  "at the painful level, so the course expects it to be the inhibited muscle, not the splint.",
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
    return (f"Beside L4-L5 the fleshy lumbar fibres of the erector spinae lie lateral to multifidus. {lumbar} Its "
            "thoracic fibres (the thoracic parts of longissimus and iliocostalis, Bergmark class global) reach this "
            "level only as tendons, in the erector spinae aponeurosis that covers multifidus "
            f"{references.cite(*thoracic_keys)}. So the answer spans Bergmark's classes: lumbar fibres local, "
            "thoracic fibres global.")


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


def citation_keys() -> tuple[str, ...]:
    """Every citation key the steps and the plan model show, without repeats (for the reference list)."""
    flag_keys = [key for item in red_flags.flags() for key in item.sources]
    muscle_keys = [key for option in LAYER_OPTIONS for key in _option_keys(option)]
    return tuple(dict.fromkeys([red_flags.FRAMEWORK_KEY, *flag_keys, *muscle_keys, *GUARDING_KEYS, *INHIBITION_KEYS,
                                *case_plan.EXERCISE_EVIDENCE_KEYS, "qaseem2017", *treatments.citation_keys()]))
