"""Notebook 06's reasoning step between visits: what tender, held muscles mean, which is likely inhibited, and where.

The patient (a fictional vignette, with the painful side and level the questions name) is data, in
``data/vignettes.toml``; the questions' answers, which is best, why the others are not, and the explanations are
data too, in ``data/layer_step.toml``. The answers are graded here (:func:`guarding_feedback`,
:func:`inhibited_feedback`, :func:`where_feedback`), with the muscle data of :mod:`spinelab.anatomy.muscles`;
the step a student answers is :class:`spinelab.clinic.case_steps.LayerStep`. The branching cases themselves
are :mod:`spinelab.clinic.cases`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from spinelab.anatomy import muscles
from spinelab.clinic import red_flags
from spinelab.course import datafile, references, wording

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
LAYER_STEP_FILE = "data/layer_step.toml"


@dataclass(frozen=True)
class Answer:
    """One answer of the layer step: its text (or muscle id), whether it is the best, and if not, why, with sources."""

    value: str
    best: bool
    why: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Question:
    """One question of the layer step: its answers in display order, and the explanation every answer ends with."""

    answers: tuple[Answer, ...]
    explanation: str
    sources: dict[str, tuple[str, ...]]

    @property
    def options(self) -> tuple[str, ...]:
        """The answers' texts (or muscle ids), in display order."""
        return tuple(answer.value for answer in self.answers)

    @property
    def best(self) -> str:
        """The best answer."""
        return next(answer.value for answer in self.answers if answer.best)

    def answer(self, value: str, parameter: str) -> Answer:
        """The answer ``value``; a ValueError naming ``parameter`` and listing the answers if there is none."""
        for answer in self.answers:
            if answer.value == value:
                return answer
        raise ValueError(f"{parameter} must be one of {'; '.join(self.options)}; got {value!r}")

    def explained(self) -> str:
        """The explanation, its citations filled in."""
        return self.explanation.format(**{name: references.cite(*keys) for name, keys in self.sources.items()})


@dataclass(frozen=True)
class LayerStep:
    """The layer step's data: the verdicts, the three questions, and the words about the muscles offered."""

    step: dict[str, str]
    verdicts: dict[str, str]
    guarding: Question
    inhibited: Question
    where: Question
    muscle_facts: str
    erector_spinae_name: str
    erector_spinae_facts: str


def _question(data: dict, name: str, source: str, value_field: str, needs_why: bool) -> Question:
    where = f"{source}: {name}"
    best_count = [bool(row.get("best", False)) for row in data["answer"]].count(True)
    if best_count != 1:
        raise ValueError(f"{where}: exactly one answer must have best = true; got {best_count}")
    answers = []
    for number, row in enumerate(data["answer"]):
        place = f"{where} {datafile.entry('answer', number)}"
        best = bool(row.get("best", False))
        if value_field == "muscle" and row["muscle"] != ERECTOR_SPINAE:
            try:
                muscles.get(row["muscle"])
            except (KeyError, ValueError) as error:
                raise ValueError(f"{place}: field 'muscle': {str(error).strip(chr(34))}") from None
        if not best and needs_why and "why" not in row:
            raise ValueError(f"{place}: an answer that is not the best needs field 'why'")
        keys = references.require(row["sources"], f"{place}: field 'sources'") if "sources" in row else ()
        answers.append(Answer(row[value_field], best, row.get("why", ""), keys))
    sources = data.get("explanation_sources") or {"citation": data["sources"]}
    checked = {name: references.require(keys, f"{where}: citations of {{{name}}}") for name, keys in sources.items()}
    wording.fill(data["explanation"], f"{where}: field 'explanation'", **dict.fromkeys(checked, ""))
    return Question(tuple(answers), data["explanation"], checked)


def parse_layer_step(text: str, source: str = LAYER_STEP_FILE) -> LayerStep:
    """Parse the layer step's TOML text, validated against ``layer_step.schema.json``.

    Raises
    ------
    ValueError
        Naming the file, the question and the field at fault: the schema's rules, exactly one best answer per
        question, a reason for each other answer, muscle ids and citation keys that resolve, and the placeholders
        each explanation must keep.
    """
    return _layer_step(datafile.parse(text, "layer_step", source), source)


def _layer_step(data: dict, source: str) -> LayerStep:
    inhibited = data["inhibited"]
    wording.fill(inhibited["muscle_facts"], f"{source}: inhibited: field 'muscle_facts'",
                 **dict.fromkeys(("name", "layer", "bergmark", "segments", "citation"), ""))
    wording.fill(inhibited["erector_spinae_facts"], f"{source}: inhibited: field 'erector_spinae_facts'",
                 lumbar="", citation="")
    fields = {"where_question": ("side", "level"), "plain": ("muscles",), "markdown": ("muscles",)}
    for key, text in data["step"].items():
        wording.fill(text, f"{source}: step: field {key!r}", **dict.fromkeys(fields.get(key, ()), ""))
    return LayerStep(dict(data["step"]), dict(data["verdicts"]),
                     _question(data["guarding"], "guarding", source, "text", True),
                     _question(inhibited, "inhibited", source, "muscle", True),
                     _question(data["where"], "where", source, "text", False), inhibited["muscle_facts"],
                     inhibited["erector_spinae_name"], inhibited["erector_spinae_facts"])


@cache
def layer_step() -> LayerStep:
    """The layer step's data, read from ``data/layer_step.toml`` on first use."""
    return _layer_step(datafile.load("layer_step"), LAYER_STEP_FILE)


def step_text(key: str, /, **values: str) -> str:
    """The step's wording ``key`` (a question, or its plain-text or Markdown stand-in), its placeholders filled."""
    return wording.fill(layer_step().step[key], f"{LAYER_STEP_FILE}: step: field {key!r}", **values)


def guarding_options() -> tuple[str, ...]:
    """What her tender, held back muscles tell you: the answers, in display order."""
    return layer_step().guarding.options


def guarding_answer() -> str:
    """The reading of the finding that the evidence supports: a working hypothesis, not a named splint."""
    return layer_step().guarding.best


def layer_options() -> tuple[str, ...]:
    """The muscles offered for the inhibited muscle: muscle ids, or :data:`ERECTOR_SPINAE`."""
    return layer_step().inhibited.options


def inhibited_answer() -> str:
    """The muscle the evidence of this case points to as inhibited."""
    return layer_step().inhibited.best


def where_options() -> tuple[str, ...]:
    """Where to look for the inhibition: the answers, in display order."""
    return layer_step().where.options


def where_answer() -> str:
    """Where the inhibition is."""
    return layer_step().where.best


def option_name(option: str) -> str:
    """The name shown for an answer of :func:`layer_options`."""
    return layer_step().erector_spinae_name if option == ERECTOR_SPINAE else muscles.get(option).name


def _option_keys(option: str) -> tuple[str, ...]:
    parts = ERECTOR_SPINAE_PARTS if option == ERECTOR_SPINAE else (option,)
    return tuple(dict.fromkeys(key for part in parts for key in muscles.get(part).citations))


def _muscle_facts(muscle: muscles.Muscle) -> str:
    return wording.fill(layer_step().muscle_facts, f"{LAYER_STEP_FILE}: inhibited: field 'muscle_facts'",
                        name=muscle.name, layer=muscle.layer, bergmark=muscle.bergmark,
                        segments=muscle.segments_text, citation=muscle.cite())


def _option_facts(option: str) -> str:
    if option != ERECTOR_SPINAE:
        return _muscle_facts(muscles.get(option))
    lumbar = " ".join(_muscle_facts(muscles.get(part)) for part in ERECTOR_SPINAE_PARTS[:2])
    thoracic_keys = dict.fromkeys(key for part in ERECTOR_SPINAE_PARTS[2:] for key in muscles.get(part).citations)
    return wording.fill(layer_step().erector_spinae_facts, f"{LAYER_STEP_FILE}: inhibited: field "
                        "'erector_spinae_facts'", lumbar=lumbar, citation=references.cite(*thoracic_keys))


def guarding_feedback(answer: str) -> tuple[bool, str]:
    """Whether an answer of :func:`guarding_options` reads the tender, held muscles as the evidence supports, and why.

    Raises
    ------
    ValueError
        If the answer is not one of :func:`guarding_options`.
    """
    step = layer_step()
    chosen = step.guarding.answer(answer, "answer")
    verdict = (step.verdicts["best"] if chosen.best
               else f"{step.verdicts['not_best']} {chosen.why} {references.cite(*chosen.sources)}.")
    return chosen.best, f"{verdict} {step.guarding.explained()}"


def inhibited_feedback(muscle_id: str) -> tuple[bool, str]:
    """Whether an answer of :func:`layer_options` is the one this case's evidence points to as inhibited, and why.

    Raises
    ------
    ValueError
        If ``muscle_id`` is not one of :func:`layer_options`.
    """
    step = layer_step()
    chosen = step.inhibited.answer(muscle_id, "muscle_id")
    verdict = step.verdicts["best"] if chosen.best else f"{step.verdicts['not_best']} {chosen.why}"
    return chosen.best, f"{verdict} {_option_facts(muscle_id)} {step.inhibited.explained()}"


def where_feedback(answer: str) -> tuple[bool, str]:
    """Whether the answer says where the inhibition is, and why.

    Raises
    ------
    ValueError
        If the answer is not one of :func:`where_options`.
    """
    step = layer_step()
    chosen = step.where.answer(answer, "answer")
    return chosen.best, f"{step.verdicts['best' if chosen.best else 'wrong']} {step.where.explained()}"


def citation_keys() -> tuple[str, ...]:
    """Every citation key the layer step's feedback shows, without repeats (for the reference list)."""
    step = layer_step()
    muscle_keys = [key for option in layer_options() for key in _option_keys(option)]
    answer_keys = [key for question in (step.guarding, step.inhibited, step.where)
                   for key in (*(k for keys in question.sources.values() for k in keys),
                               *(k for answer in question.answers for k in answer.sources))]
    return tuple(dict.fromkeys([*muscle_keys, *answer_keys]))
