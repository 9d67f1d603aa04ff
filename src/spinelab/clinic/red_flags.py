"""Rule out the serious first: red-flag triage with levels (a TEACHING AID, not a diagnostic tool).

The structure follows the IFOMPT framework of Finucane et al. (2020): red flags raise suspicion of four serious
spinal pathologies (cauda equina syndrome, spinal fracture, spinal malignancy, spinal infection), and the clinician
judges a level of concern and the matching action. Serious spinal pathology is rare and most red flags have no
high-quality evidence of diagnostic accuracy: a flag raises suspicion, it does not make a diagnosis, and no flag
ticked does not rule serious pathology out.

The triage has five levels (:data:`LEVELS`, lowest first): :data:`NONE`, :data:`ROUTINE` (routine care with
safety-netting), :data:`URGENT` (medical assessment the same or the next day), :data:`SAME_DAY` (medical assessment
today by the patient's doctor, for suspected spinal infection; the emergency department if the patient is
systemically unwell) and :data:`EMERGENCY` (straight to an emergency department). Each flag has the level it
reaches on its own, and flags for one condition reach a level together (:func:`combination_level`); the result's
level is the highest reached (see :data:`RULE`). The flags, their levels and sources, the combination levels, and
each level's action and safety-netting advice live in ``data/red_flags.toml``, read lazily on first use and
validated then.

:func:`screen` is a pure function, reusable by other notebooks::

    >>> screen({"saddle anaesthesia"}).level
    'emergency'
    >>> screen({"age over 50"}).level
    'routine'
    >>> screen({"fever"}).level
    'same_day'

The checklist widget is :class:`spinelab.clinic.red_flag_checklist.RedFlagChecklist`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from spinelab.course import datafile, references, wording
from spinelab.course.text import PlainText
from spinelab.course.validation import check_names

DATA_FILE = "data/red_flags.toml"

#: The four serious spinal pathologies of the framework (Finucane et al. 2020).
CONDITIONS = ("cauda equina syndrome", "spinal fracture", "spinal malignancy", "spinal infection")

NONE, ROUTINE, URGENT, SAME_DAY, EMERGENCY = "none", "routine", "urgent", "same_day", "emergency"
#: Triage levels, lowest first: a result takes the highest level any rule reaches.
LEVELS = (NONE, ROUTINE, URGENT, SAME_DAY, EMERGENCY)
#: Levels a single flag can have (a flag always raises some concern).
FLAG_LEVELS = LEVELS[1:]

REFER = "refer for medical evaluation"
CLEAR = "no red flags ticked"

#: Conditions for which flags combine: this many flags for one of them raise the level to
#: :func:`combination_level` (urgent for fracture and malignancy, same day for infection).
COMBINING = ("spinal fracture", "spinal malignancy", "spinal infection")
COMBINATION = 2


@dataclass(frozen=True)
class Level:
    """One triage level: its label, the clinician's action and the patient's safety-netting advice."""

    name: str
    label: str
    action: str
    safety_netting: str
    sources: tuple[str, ...]

    @property
    def rank(self) -> int:
        """Position in :data:`LEVELS` (0 for none)."""
        return LEVELS.index(self.name)


@dataclass(frozen=True)
class RedFlag:
    """One sign or symptom, the condition(s) it raises suspicion of, the level it reaches alone, and its sources."""

    name: str
    conditions: tuple[str, ...]
    level: str
    sources: tuple[str, ...]
    note: str = ""

    @property
    def citation(self) -> str:
        """In-text citation of the flag's sources."""
        return references.cite(*self.sources)


def parse(text: str, source: str = DATA_FILE) -> tuple[dict[str, Level], tuple[RedFlag, ...], dict[str, str]]:
    """Parse red-flag TOML text, validated against ``red_flags.schema.json``.

    Parameters
    ----------
    text : str
        The TOML text (``[level.<name>]`` tables and ``[[flag]]`` tables, see ``data/red_flags.toml``).
    source : str
        The file name given in error messages.

    Returns
    -------
    levels : dict of str to Level
        Every level of :data:`LEVELS`, by name.
    flags : tuple of RedFlag
        The flags in file order.
    combination : dict of str to str
        For each condition of :data:`COMBINING`, the level its flags reach together.

    Raises
    ------
    ValueError
        Naming the file, the level or flag (number and name) and the field at fault; sources must resolve
        and flag names be unique (ignoring case).
    """
    return _levels_and_flags(datafile.parse(text, "red_flags", source), source)


def _levels_and_flags(data: dict, source: str) -> tuple[dict[str, Level], tuple[RedFlag, ...], dict[str, str]]:
    levels = {}
    for name in LEVELS:
        row = data["level"][name]
        keys = references.require(row["sources"], f"{source}: {datafile.entry('level', name)}: field 'sources'")
        levels[name] = Level(name, row["label"], row["action"], row["safety_netting"], keys)
    flags: list[RedFlag] = []
    for number, row in enumerate(data["flag"]):
        where = f"{source}: {datafile.entry('flag', number, row)}"
        if any(item.name.casefold() == row["name"].casefold() for item in flags):
            raise ValueError(f"{where}: field 'name' repeats an earlier flag")
        keys = references.require(row["sources"], f"{where}: field 'sources'")
        flags.append(RedFlag(row["name"], tuple(row["conditions"]), row["level"], keys, row.get("note", "")))
    references.require(data["combination"]["sources"], f"{source}: field 'combination' key 'sources'")
    return levels, tuple(flags), dict(data["combination"]["level"])


@cache
def _data() -> tuple[dict[str, Level], tuple[RedFlag, ...], dict[str, str]]:
    return _levels_and_flags(datafile.load("red_flags"), DATA_FILE)


@cache
def _rule() -> dict:
    """The ``[rule]`` table of the data file, its citation keys checked."""
    rule = datafile.load("red_flags")["rule"]
    references.require(rule["framework"], f"{DATA_FILE}: field 'rule' key 'framework'")
    for condition, keys in rule["combination_evidence"].items():
        if condition not in COMBINING:
            raise ValueError(f"{DATA_FILE}: [rule.combination_evidence]: condition must be one of "
                             f"{', '.join(COMBINING)}; got {condition!r}")
        references.require(keys, f"{DATA_FILE}: [rule.combination_evidence] {condition!r}")
    return rule


def rule_text() -> str:
    """The triage rule as shown to students, generated from the data: the flags at each level, with their sources,
    then the combinations and the reasoning (:data:`RULE`)."""
    levels, items, combined = _data()
    rule = _rule()
    parts = []
    for name in (EMERGENCY, SAME_DAY, URGENT):
        chosen = [item for item in items if item.level == name]
        keys = dict.fromkeys(key for item in chosen for key in item.sources)
        parts.append(f"{levels[name].label}: {'; '.join(item.name for item in chosen)} {references.cite(*keys)}.")
        if name == SAME_DAY:
            parts.append(rule["same_day_escalation"])
    parts.append(f"{levels[ROUTINE].label}: {rule['routine']}")
    together = "; ".join(f"{condition}, {levels[combined[condition]].label.lower()}" for condition in COMBINING)
    parts.append(f"{rule['combination'].format(count=COMBINATION)}: {together}; {rule['separate']}")
    parts.append(rule["reasoning"])
    return " ".join(parts)


def __getattr__(name: str) -> object:
    """:data:`RULE` (:func:`rule_text`), :data:`FRAMEWORK_KEY` (the framework's key), and the words
    :data:`DISCLAIMER` and :data:`SUSPECT` (the decision at the routine level), read from the data files."""
    if name == "RULE":
        return rule_text()
    if name == "FRAMEWORK_KEY":
        return _rule()["framework"]
    if name in ("DISCLAIMER", "SUSPECT"):
        return wording.phrase("red_flags", name.lower())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def flags() -> tuple[RedFlag, ...]:
    """All red flags, in checklist order (read from ``data/red_flags.toml`` on first use)."""
    return _data()[1]


def citation_keys() -> tuple[str, ...]:
    """Every citation key the triage shows (framework, levels and flags), without repeats."""
    levels, items, _ = _data()
    keys = [_rule()["framework"], *(key for item in levels.values() for key in item.sources),
            *(key for item in items for key in item.sources),
            *(key for found in _rule()["combination_evidence"].values() for key in found)]
    return tuple(dict.fromkeys(keys))


def level(name: str) -> Level:
    """The triage level with this name (one of :data:`LEVELS`)."""
    if name not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}; got {name!r}")
    return _data()[0][name]


_ALIASES = {"saddle anesthesia": "saddle anaesthesia", "older age": "older age (over 70)"}


def flag(name: str) -> RedFlag:
    """The red flag with this name (case-insensitive; "anesthesia" is accepted for "anaesthesia", and "older age"
    for "older age (over 70)").

    Raises
    ------
    ValueError
        If the name is not one of the flags; the message lists them.
    """
    key = str(name).strip().casefold()
    key = _ALIASES.get(key, key)
    for item in flags():
        if item.name.casefold() == key:
            return item
    raise ValueError(f"flag must be one of: {'; '.join(f.name for f in flags())}; got {name!r}")


def combination_level(condition: str) -> str:
    """The level that :data:`COMBINATION` or more flags for one condition of :data:`COMBINING` reach together.

    Raises
    ------
    ValueError
        If the condition is not one of :data:`COMBINING`.
    """
    if condition not in COMBINING:
        raise ValueError(f"condition must be one of {', '.join(COMBINING)}; got {condition!r}")
    return _data()[2][condition]


def flags_for(condition: str) -> tuple[RedFlag, ...]:
    """The flags that raise suspicion of one condition."""
    if condition not in CONDITIONS:
        raise ValueError(f"condition must be one of {', '.join(CONDITIONS)}; got {condition!r}")
    return tuple(item for item in flags() if condition in item.conditions)


@dataclass(frozen=True)
class ScreeningResult:
    """The outcome of a screen: the triage level, what to do, and why.

    Attributes
    ----------
    level : str
        The highest level reached, one of :data:`LEVELS`.
    flags : tuple of RedFlag
        The ticked flags, in checklist order.
    conditions : tuple of str
        The conditions they raise suspicion of, in :data:`CONDITIONS` order.
    combined : tuple of str
        The conditions of :data:`COMBINING` with at least :data:`COMBINATION` ticked flags.
    """

    level: str
    flags: tuple[RedFlag, ...]
    conditions: tuple[str, ...]
    combined: tuple[str, ...] = ()

    @property
    def refer(self) -> bool:
        """True for an emergency, same-day or urgent level: the patient needs medical assessment."""
        return self.level in (URGENT, SAME_DAY, EMERGENCY)

    @property
    def decision(self) -> str:
        """:data:`REFER`, :data:`SUSPECT` (routine level) or :data:`CLEAR` (no flag)."""
        if self.refer:
            return REFER
        return wording.phrase("red_flags", "suspect") if self.flags else CLEAR

    @property
    def label(self) -> str:
        """The level's text label."""
        return level(self.level).label

    @property
    def action(self) -> str:
        """What the clinician does at this level."""
        return level(self.level).action

    @property
    def safety_netting(self) -> str:
        """What the patient should do if symptoms change, with its sources."""
        found = level(self.level)
        return f"{found.safety_netting} {references.cite(*found.sources)}"

    @property
    def reasons(self) -> tuple[str, ...]:
        """One sentence per ticked flag (its condition, its level alone, its sources), then each combination."""
        rule = _rule()
        evidence = rule["combination_evidence"]
        lines = [wording.phrase("red_flags", "flag_reason", flag=item.name, conditions=" or ".join(item.conditions),
                                level=level_words(item.level), citation=item.citation) for item in self.flags]
        lines += [wording.phrase("red_flags", "combination_reason", count=COMBINATION, condition=condition,
                                 assessment=_COMBINED_WORDS[combination_level(condition)],
                                 evidence=(references.cite(*evidence[condition]) if condition in evidence
                                           else rule["threshold_note"]))
                  for condition in self.combined]
        return tuple(lines)

    @property
    def message(self) -> str:
        """The decision, level, action and reasons as one text (safety-netting: :attr:`safety_netting`)."""
        head = f"{self.decision.capitalize()}. Level: {self.label}."
        if not self.flags:
            return f"{head} {wording.phrase('red_flags', 'clear_caveat')}"
        return f"{head} {self.action} Why: {'; '.join(self.reasons)}."


_COMBINED_WORDS = {URGENT: "urgent assessment", SAME_DAY: "a same-day assessment", EMERGENCY: "emergency assessment"}


def level_words(name: str) -> str:
    """A level's name as students read it: ``"same-day"`` for :data:`SAME_DAY`, the name itself otherwise."""
    return name.replace("_", "-")


def screen(flags: Iterable[str]) -> ScreeningResult:
    """Triage a set of ticked red flags with the rule of :data:`RULE`.

    Parameters
    ----------
    flags : iterable of str
        Names of the ticked flags (see :func:`flags`; case-insensitive).

    Returns
    -------
    ScreeningResult
        Level :data:`EMERGENCY`, :data:`SAME_DAY`, :data:`URGENT`, :data:`ROUTINE` or :data:`NONE`: the highest level
        of any ticked flag, raised to :func:`combination_level` when :data:`COMBINATION` or more flags point to one
        condition of :data:`COMBINING`.

    Raises
    ------
    ValueError
        If a name is not a known flag.
    TypeError
        If ``flags`` is not a collection of strings (None, a single string, a number, a list holding a number).
    """
    flags = check_names("flags", flags, "flag names")
    ticked = {flag(name).name for name in flags}
    chosen = tuple(item for item in _data()[1] if item.name in ticked)
    conditions = tuple(c for c in CONDITIONS if any(c in item.conditions for item in chosen))
    combined = tuple(c for c in conditions
                     if c in COMBINING and sum(c in item.conditions for item in chosen) >= COMBINATION)
    reached = [LEVELS.index(item.level) for item in chosen] + [LEVELS.index(combination_level(c)) for c in combined]
    reached.append(0)
    return ScreeningResult(level=LEVELS[max(reached)], flags=chosen, conditions=conditions, combined=combined)


def notes() -> tuple[str, ...]:
    """The flags' notes, as shown under the checklist (name and note)."""
    return tuple(f"{item.name}: {item.note}" for item in flags() if item.note)


def examples(*ticked: Iterable[str]) -> PlainText:
    """Screen several sets of ticked flags: one line each, in words a class can read: the flags (sorted), an arrow
    and the level's label from the data (the label alone when nothing is ticked).

    Parameters
    ----------
    *ticked : iterable of str
        Each a set of flag names, as for :func:`screen` (an empty set stands for nothing ticked).
    """
    lines = []
    for names in ticked:
        result = screen(names)
        names = sorted(item.name for item in result.flags)
        ticked_words = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)
        lines.append(f"{ticked_words[:1].upper()}{ticked_words[1:]} → {result.label}" if names else result.label)
    return PlainText("\n".join(lines))
