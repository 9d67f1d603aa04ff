"""Notebook 06's reasoning step between visits: what tender, held muscles mean, which is likely inhibited, and where.

The patient (a fictional vignette, with the painful side and level the questions name) is data, in
``data/vignettes.toml``. The answers are graded and explained here (:func:`guarding_feedback`,
:func:`inhibited_feedback`, :func:`where_feedback`) from the muscle data of :mod:`spinelab.anatomy.muscles`;
the step a student answers is :class:`spinelab.clinic.case_steps.LayerStep`. The branching cases themselves
are :mod:`spinelab.clinic.cases`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from spinelab.anatomy import muscles
from spinelab.clinic import red_flags
from spinelab.course import datafile, references

SIDES = ("left", "right", "both")
VIGNETTES_FILE = "data/vignettes.toml"

# ------------------------------------------------------------------ the patients

@dataclass(frozen=True)
class Vignette:
    """A fictional patient: history, examination, the red flags they contain, and where the pain is."""

    id: str
    title: str
    history: str
    examination: str
    red_flags: tuple[str, ...]
    painful_side: str
    painful_level: str


def _vignette(row: dict) -> Vignette:
    text = {field: " ".join(value.split()) for field, value in row.items() if field != "red_flags"}
    return Vignette(**text, red_flags=tuple(red_flags.flag(name).name for name in row["red_flags"]))


def parse(text: str, source: str = VIGNETTES_FILE) -> tuple[Vignette, ...]:
    """Parse vignette TOML text, validated against ``vignettes.schema.json``; flags must be checklist names.

    Raises
    ------
    ValueError
        Naming the file, the vignette and the field at fault, or an id used twice.
    """
    return _vignettes(datafile.parse(text, "vignettes", source), source)


def _vignettes(data: dict, source: str) -> tuple[Vignette, ...]:
    items = []
    for number, row in enumerate(data["vignette"]):
        try:
            items.append(_vignette(row))
        except ValueError as error:  # a red flag that is not on the checklist
            where = f"{source}: {datafile.entry('vignette', number, row)}"
            raise ValueError(f"{where}: field 'red_flags': {error}") from None
    ids = [item.id for item in items]
    if len(ids) != len(set(ids)):
        raise ValueError(f"{source}: vignette ids must be unique; got {ids}")
    return tuple(items)


@cache
def vignettes() -> tuple[Vignette, ...]:
    """The course's patients, loaded once from ``data/vignettes.toml``."""
    return _vignettes(datafile.load("vignettes"), VIGNETTES_FILE)


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


# ------------------------------------------------------------------ grading: what guarding means, which is inhibited

#: The erector spinae offered as one answer: the parts that lie beside L4-L5 (ids of :mod:`spinelab.anatomy.muscles`).
#: Its lumbar fibres are the muscle felt there; its thoracic fibres reach the level only as tendon, in the
#: erector spinae aponeurosis.
ERECTOR_SPINAE = "erector_spinae"
ERECTOR_SPINAE_PARTS = ("longissimus_thoracis_lumbar", "iliocostalis_lumborum_lumbar",
                        "longissimus_thoracis_thoracic", "iliocostalis_lumborum_thoracic")
ERECTOR_SPINAE_NAME = "Erector spinae (lumbar and thoracic fibres)"
#: The muscles offered for the inhibited muscle: the erector spinae, and muscles of :mod:`spinelab.anatomy.muscles`.
LAYER_OPTIONS = ("latissimus_dorsi", ERECTOR_SPINAE, "quadratus_lumborum", "multifidus", "transversus_abdominis")
#: What her tender, held back muscles tell you, in display order. No answer names a muscle as the splint: which
#: muscles change differs between people (Hodges & Tucker 2011; Hodges et al. 2013).
GUARDING_OPTIONS = (
    "The erector spinae are in a sustained spasm, thought to be what keeps her back hurting",
    "Multifidus is contracting hard to splint the painful segment, so it is the muscle to relax",
    "Her muscles work differently, thought to protect the area; which ones change differs by person",
    "The held muscles likely mark damaged tissue, and how tense they are shows how much damage there is",
)
#: The reading of the finding that the evidence supports: a working hypothesis, not a named splint.
GUARDING = GUARDING_OPTIONS[2]
#: The muscle the evidence of this case points to as inhibited (Hides et al. 1994; Hodges et al. 2006).
INHIBITED = "multifidus"
INHIBITION_KEYS = ("hides1994", "hodges2006")
GUARDING_KEYS = ("hodgestucker2011", "hodges2013", "vandieen2003", "bogduk1980")
#: Where to look for the inhibition: the answer, then the distractors.
WHERE_OPTIONS = ("on the painful side, at the painful level", "on both sides, along the whole lumbar spine",
                 "on the side opposite the pain")
_GUARD_RULE = ("What your fingers find, tender muscles held tense and movement guarded, is muscles working "
               "differently. The working hypothesis: after an injury the nervous system changes how the trunk muscles "
               "work, thought to protect the area; which muscles change differs between people {hypothesis}; whether "
               "that change is a sustained spasm is not well supported {spasm}. Beside L4-L5 you press, through the "
               "erector spinae aponeurosis, on multifidus next to the spinous processes, with the fleshy lumbar "
               "fibres of the erector spinae lateral to it {anatomy}: tenderness there tells you where, not which "
               "muscle has changed how it works.")
#: Why each other reading is wrong, and the sources that say so.
_WRONG_GUARD = {
    GUARDING_OPTIONS[0]: ("Comparing 30 clinical and three induced-pain studies, neither the pain-spasm-pain model "
                          "(more activity) nor the pain adaptation model (less) was unequivocally supported",
                          ("vandieen2003",)),
    GUARDING_OPTIONS[1]: ("Multifidus is the muscle the studies found smaller at the painful level, not one shown to "
                          "contract harder, and no one muscle is the splint: which muscles change differs between "
                          "people", ("hides1994", "hodges2013")),
    GUARDING_OPTIONS[3]: ("The same changes appear with experimental pain in people with no injury at all, so they "
                          "follow pain, or its threat, and do not measure damage", ("hodges2013",)),
}
_INHIBIT_RULE = ("The deep, segmental local muscle lumbar multifidus was smaller on the painful side at one level in "
                 "first-episode low back pain, and shrank within days at the level of an experimental lesion in pigs "
                 "{citation}.")
_WRONG_INHIBIT = {
    "latissimus_dorsi": "It works for the arm or shoulder girdle, outside Bergmark's trunk systems.",
    ERECTOR_SPINAE: "The studies behind this case measured multifidus, the short segmental muscle beside the "
                    "spinous processes, and found it smaller at the painful level.",
    "quadratus_lumborum": "It is local like multifidus, but the studies behind this case measured multifidus.",
    "transversus_abdominis": "It is local like multifidus, but the studies behind this case measured multifidus.",
}


def option_name(option: str) -> str:
    """The name shown for an answer of :data:`LAYER_OPTIONS`."""
    return ERECTOR_SPINAE_NAME if option == ERECTOR_SPINAE else muscles.get(option).name


def _option_keys(option: str) -> tuple[str, ...]:
    parts = ERECTOR_SPINAE_PARTS if option == ERECTOR_SPINAE else (option,)
    return tuple(dict.fromkeys(key for part in parts for key in muscles.get(part).citations))


def _muscle_facts(muscle: muscles.Muscle) -> str:
    return (f"{muscle.name}: {muscle.layer} layer, {muscle.bergmark} as Bergmark's systems are commonly "
            f"summarised, crosses "
            f"{muscle.segments_text} joints {muscle.cite()}.")


def _option_facts(option: str) -> str:
    if option != ERECTOR_SPINAE:
        return _muscle_facts(muscles.get(option))
    lumbar = " ".join(_muscle_facts(muscles.get(part)) for part in ERECTOR_SPINAE_PARTS[:2])
    thoracic_keys = dict.fromkeys(key for part in ERECTOR_SPINAE_PARTS[2:] for key in muscles.get(part).citations)
    return (f"Beside L4-L5 the fleshy lumbar fibres of the erector spinae lie lateral to multifidus. {lumbar} Its "
            "thoracic fibres (the thoracic parts of longissimus and iliocostalis, global as commonly summarised) "
            "reach this level only as tendons, in the erector spinae aponeurosis that covers multifidus "
            f"{references.cite(*thoracic_keys)}. So the group spans both of Bergmark's systems as commonly "
            "summarised: lumbar fibres local, thoracic fibres global.")


def _check_option(option: str) -> None:
    if option not in LAYER_OPTIONS:
        raise ValueError(f"muscle_id must be one of {'; '.join(LAYER_OPTIONS)}; got {option!r}")


def _layer_feedback(muscle_id: str, answer: str, wrong: dict[str, str], rule: str,
                    keys: tuple[str, ...]) -> tuple[bool, str]:
    _check_option(muscle_id)
    right = muscle_id == answer
    verdict = "Yes." if right else f"Not the best answer. {wrong[muscle_id]}"
    return right, f"{verdict} {_option_facts(muscle_id)} {rule.format(citation=references.cite(*keys))}"


def guarding_feedback(answer: str) -> tuple[bool, str]:
    """Whether an answer of :data:`GUARDING_OPTIONS` reads the tender, held muscles as the evidence supports, and why.

    Raises
    ------
    ValueError
        If the answer is not one of :data:`GUARDING_OPTIONS`.
    """
    if answer not in GUARDING_OPTIONS:
        raise ValueError(f"answer must be one of {'; '.join(GUARDING_OPTIONS)}; got {answer!r}")
    right = answer == GUARDING
    if right:
        verdict = "Yes."
    else:
        why, keys = _WRONG_GUARD[answer]
        verdict = f"Not the best answer. {why} {references.cite(*keys)}."
    rule = _GUARD_RULE.format(hypothesis=references.cite("hodgestucker2011", "hodges2013"),
                              spasm=references.cite("vandieen2003"), anatomy=references.cite("bogduk1980"))
    return right, f"{verdict} {rule}"


def inhibited_feedback(muscle_id: str) -> tuple[bool, str]:
    """Whether an answer of :data:`LAYER_OPTIONS` is the one this case's evidence points to as inhibited, and why."""
    return _layer_feedback(muscle_id, INHIBITED, _WRONG_INHIBIT, _INHIBIT_RULE, INHIBITION_KEYS)


def where_feedback(answer: str) -> tuple[bool, str]:
    """Whether the answer says where the inhibition is, and why."""
    if answer not in WHERE_OPTIONS:
        raise ValueError(f"answer must be one of {'; '.join(WHERE_OPTIONS)}; got {answer!r}")
    right = answer == WHERE_OPTIONS[0]
    verdict = "Yes." if right else "No."
    return right, (f"{verdict} The wasting reported was local: on the painful side, at one level, and in pigs at the "
                   f"level of the lesion with no change on the other side {references.cite(*INHIBITION_KEYS)}.")


def citation_keys() -> tuple[str, ...]:
    """Every citation key the layer step's feedback shows, without repeats (for the reference list)."""
    muscle_keys = [key for option in LAYER_OPTIONS for key in _option_keys(option)]
    return tuple(dict.fromkeys([*muscle_keys, *GUARDING_KEYS, *INHIBITION_KEYS]))
