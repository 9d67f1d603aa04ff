"""Rule out the serious first: a red-flag screening checklist (a TEACHING AID, not a diagnostic tool).

The structure follows the IFOMPT framework of Finucane et al. (2020): red flags
raise suspicion of four serious spinal pathologies (cauda equina syndrome,
spinal fracture, spinal malignancy, spinal infection). The individual flags of
that framework's decision tools were not read for this course, so each flag
here cites another verified source, or says plainly that it is only commonly
listed. Finucane et al. also stress that there is no high-quality evidence for
the diagnostic accuracy of most red flags: a flag raises suspicion, it does not
make a diagnosis, and no flag ticked does not rule serious pathology out.

The screen has two tiers (:data:`RULE`). The signs of cauda equina syndrome
named by Long et al. (2020), a rare but emergent condition, and a previous
history of cancer, a very useful indicator of spinal malignancy (Henschke et al.
2013), call for referral on their own. Every other flag only raises suspicion:
Henschke et al. found age over 50 and failure to improve after one month most
useful in combination and, alone, a cause of over-testing. So such flags give
:data:`SUSPECT` (keep assessing and reassess), unless two or more point to the
same condition, which gives :data:`REFER`.
The threshold of two, and its use for fracture and infection, are this course's
teaching simplification, not a validated rule.

:func:`screen` is a pure function, reusable by other notebooks::

    >>> screen({"saddle anaesthesia"}).refer
    True
    >>> screen({"older age (over 50)"}).decision
    'raises suspicion: consider in combination, reassess'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import ipywidgets as widgets

from spinelab import references, style
from spinelab.quiz import markdown_html

FRAMEWORK_KEY = "finucane2020"

#: The four serious spinal pathologies of the framework (Finucane et al. 2020).
CONDITIONS = ("cauda equina syndrome", "spinal fracture", "spinal malignancy", "spinal infection")

REFER = "refer for medical evaluation"
SUSPECT = "raises suspicion: consider in combination, reassess"
CLEAR = "no red flags ticked"

#: How many flags for the same condition call for referral when none refers on its own (a teaching choice).
COMBINATION = 2

#: The two-tier decision rule, as shown to students.
RULE = (
    "The signs of cauda equina syndrome named by Long et al. 2020 (a rare but emergent condition) and a previous "
    "history of cancer (a very useful indicator of spinal malignancy, Henschke et al. 2013) call for referral on "
    f"their own. Any other flag raises suspicion; {COMBINATION} or more flags for the same condition call for "
    "referral. Henschke et al. 2013 found age over 50 and failure to improve after one month most useful in "
    "combination and, alone, a cause of over-testing; the threshold of two, and applying it to fracture and "
    "infection, are this course's simplification, not a validated rule."
)

DISCLAIMER = (
    "Teaching aid, not a diagnostic tool. Red flags only raise suspicion; most have no high-quality evidence "
    "of diagnostic accuracy, and a clear checklist does not rule out serious pathology. Clinical decisions "
    "need a full assessment and local guidelines."
)


@dataclass(frozen=True)
class RedFlag:
    """One sign or symptom, the condition(s) it raises suspicion of, and its source.

    ``sources`` are citation keys; an empty tuple marks a flag that is only commonly listed (``note`` says so).
    ``refers_alone`` marks a flag whose sources support referral on its own (see :data:`RULE`); it needs a source.
    ``note`` is shown under the checklist.
    """

    name: str
    conditions: tuple[str, ...]
    sources: tuple[str, ...]
    note: str = ""
    refers_alone: bool = False

    def __post_init__(self) -> None:
        unknown = [condition for condition in self.conditions if condition not in CONDITIONS]
        if not self.conditions or unknown:
            raise ValueError(f"conditions must be among {', '.join(CONDITIONS)}; got {self.conditions!r}")
        for key in self.sources:
            references.get(key)
        if not self.sources and not self.note:
            raise ValueError(f"flag {self.name!r} has no source, so it needs a note saying why")
        if self.refers_alone and not self.sources:
            raise ValueError(f"flag {self.name!r} refers on its own, so it needs a source")

    @property
    def citation(self) -> str:
        """In-text citation, or a plain statement that the flag is commonly listed."""
        return references.cite(*self.sources) if self.sources else "(commonly listed; not verified for this course)"


FLAGS: tuple[RedFlag, ...] = (
    RedFlag("bilateral leg pain (sciatica in both legs)", ("cauda equina syndrome",), ("long2020",),
            refers_alone=True),
    RedFlag("saddle anaesthesia", ("cauda equina syndrome",), ("long2020",),
            "reduced sensation of the perineum ('saddle' area)", refers_alone=True),
    RedFlag("new bladder dysfunction or urinary retention", ("cauda equina syndrome",), ("long2020",),
            refers_alone=True),
    RedFlag("loss of anal tone", ("cauda equina syndrome",), ("long2020",), refers_alone=True),
    RedFlag("loss of sexual function", ("cauda equina syndrome",), ("long2020",), refers_alone=True),
    RedFlag("progressive neurological deficit in the legs", ("cauda equina syndrome",), (),
            "commonly listed in guidelines; not checked against a primary source for this course, so here it "
            "does not refer on its own: follow local guidelines"),
    RedFlag("significant trauma", ("spinal fracture",), ("han2023",)),
    RedFlag("corticosteroid use", ("spinal fracture",), ("han2023",)),
    RedFlag("older age (over 50)", ("spinal fracture", "spinal malignancy"), ("han2023", "henschke2013"),
            "age over 50 for malignancy (Henschke et al. 2013); older age for fracture (Han et al. 2023)"),
    RedFlag("previous history of cancer", ("spinal malignancy",), ("henschke2013",), refers_alone=True),
    RedFlag("no improvement after one month", ("spinal malignancy",), ("henschke2013",)),
    RedFlag("unexplained weight loss", ("spinal malignancy",), (),
            "commonly listed in guidelines; Henschke et al. 2013 found insufficient data for most flags other "
            "than a history of cancer"),
    RedFlag("fever", ("spinal infection",), ("yusuf2019",)),
    RedFlag("intravenous drug use", ("spinal infection",), ("yusuf2019",)),
    RedFlag("immunosuppression (including diabetes)", ("spinal infection",), ("yusuf2019",)),
)

_BY_NAME = {flag.name.casefold(): flag for flag in FLAGS}
_ALIASES = {"saddle anesthesia": "saddle anaesthesia"}


def flag(name: str) -> RedFlag:
    """The red flag with this name (case-insensitive; "anesthesia" is accepted for "anaesthesia").

    Raises
    ------
    ValueError
        If the name is not one of the flags; the message lists them.
    """
    key = str(name).strip().casefold()
    key = _ALIASES.get(key, key)
    if key not in _BY_NAME:
        raise ValueError(f"flag must be one of: {'; '.join(f.name for f in FLAGS)}; got {name!r}")
    return _BY_NAME[key]


def flags_for(condition: str) -> tuple[RedFlag, ...]:
    """The flags that raise suspicion of one condition."""
    if condition not in CONDITIONS:
        raise ValueError(f"condition must be one of {', '.join(CONDITIONS)}; got {condition!r}")
    return tuple(item for item in FLAGS if condition in item.conditions)


@dataclass(frozen=True)
class ScreeningResult:
    """The outcome of a screen: the decision, and why.

    Attributes
    ----------
    refer : bool
        True if the screen calls for referral for medical evaluation (see :data:`RULE`).
    flags : tuple of RedFlag
        The ticked flags, in checklist order.
    conditions : tuple of str
        The conditions they raise suspicion of, in :data:`CONDITIONS` order.
    combined : tuple of str
        The conditions with at least :data:`COMBINATION` ticked flags.
    """

    refer: bool
    flags: tuple[RedFlag, ...]
    conditions: tuple[str, ...]
    combined: tuple[str, ...] = ()

    @property
    def decision(self) -> str:
        """:data:`REFER`, :data:`SUSPECT` (flags ticked, but not enough to refer) or :data:`CLEAR`."""
        if self.refer:
            return REFER
        return SUSPECT if self.flags else CLEAR

    @property
    def reasons(self) -> tuple[str, ...]:
        """One sentence per ticked flag: which condition it raises suspicion of."""
        return tuple(f"{item.name} raises suspicion of {' or '.join(item.conditions)} {item.citation}"
                     for item in self.flags)

    @property
    def message(self) -> str:
        """The decision with its reasons, as one text."""
        if not self.flags:
            return f"{CLEAR.capitalize()}. This does not rule out serious pathology: keep reassessing."
        reasons = "; ".join(self.reasons) + "."
        if not self.refer:
            return (f"{SUSPECT.capitalize()}: {reasons} Not enough to refer under this checklist's rule (no flag "
                    f"that refers on its own, fewer than {COMBINATION} for any one condition): look for other flags, "
                    "and reassess.")
        if any(item.refers_alone for item in self.flags):
            return f"{REFER.capitalize()}: {reasons}"
        return (f"{REFER.capitalize()}: {reasons} At least {COMBINATION} flags for {' and for '.join(self.combined)} "
                "call for referral in combination.")


def screen(flags: Iterable[str]) -> ScreeningResult:
    """Screen a set of ticked red flags with the two-tier rule of :data:`RULE`.

    Parameters
    ----------
    flags : iterable of str
        Names of the ticked flags (see :data:`FLAGS`; case-insensitive).

    Returns
    -------
    ScreeningResult
        "refer for medical evaluation" if a flag that refers on its own is ticked, or :data:`COMBINATION` or
        more flags for one condition; "raises suspicion: consider in combination, reassess" for other flags;
        "no red flags ticked" if none is ticked.

    Raises
    ------
    ValueError
        If a name is not a known flag (a string instead of a collection of strings is also refused).
    """
    if isinstance(flags, str):
        raise ValueError(f"flags must be a collection of flag names, not a single string; got {flags!r}")
    ticked = {flag(name).name for name in flags}
    chosen = tuple(item for item in FLAGS if item.name in ticked)
    conditions = tuple(condition for condition in CONDITIONS if any(condition in item.conditions for item in chosen))
    combined = tuple(condition for condition in conditions
                     if sum(condition in item.conditions for item in chosen) >= COMBINATION)
    refer = any(item.refers_alone for item in chosen) or bool(combined)
    return ScreeningResult(refer=refer, flags=chosen, conditions=conditions, combined=combined)


def _marker(item: RedFlag) -> str:
    """``*`` for a flag without a source, ``†`` for one with a note."""
    return "*" if not item.sources else ("†" if item.note else "")


def _label(item: RedFlag) -> str:
    others = item.conditions[1:]
    label = item.name + (f" (also {', '.join(others)})" if others else "")
    label += " (refers on its own)" if item.refers_alone else ""
    marker = _marker(item)
    return label + (f" {marker}" if marker else "")


def notes() -> tuple[str, ...]:
    """The flags' notes, as shown under the checklist (marker, name and note)."""
    return tuple(f"{_marker(item)} {item.name}: {item.note}" for item in FLAGS if item.note)


class RedFlagChecklist:
    """Checkboxes grouped under the four conditions, and the screening result below them."""

    def __init__(self) -> None:
        self.checkboxes = {
            item.name: widgets.Checkbox(value=False, description=_label(item), indent=False,
                                        layout=widgets.Layout(width="auto"))
            for item in FLAGS
        }
        groups = []
        for condition in CONDITIONS:
            heading = widgets.HTML(f"<b>{condition.capitalize()}</b>")
            groups.append(widgets.VBox([heading, *(self.checkboxes[item.name] for item in flags_for(condition)
                                                    if item.conditions[0] == condition)]))
        self.result = widgets.HTML()
        for box in self.checkboxes.values():
            box.observe(lambda _change: self.update(), names="value")
        framework = references.cite(FRAMEWORK_KEY)
        self.note = widgets.HTML(markdown_html(
            f"**{DISCLAIMER}** Conditions from the IFOMPT framework {framework}; each flag's source is given in "
            f"the result.\n\n**Rule of this checklist.** {RULE}"))
        escaped = "\n".join("- " + line.replace("*", "\\*") for line in notes())  # a leading * is not a list
        self.footnotes = widgets.HTML(markdown_html(
            "Flags marked \\* are only commonly listed (not verified against a primary source here); † marks a "
            "flag with a note.\n\n" + escaped))
        self.widget = widgets.VBox([self.note, widgets.GridBox(
            groups, layout=widgets.Layout(grid_template_columns="repeat(2, minmax(0, 1fr))")), self.footnotes,
            self.result])
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
        """Screen the ticked flags and show the result."""
        outcome = screen(self.ticked)
        self.outcome = outcome
        colour = {REFER: style.OKABE_ITO["vermillion"], SUSPECT: style.OKABE_ITO["black"],
                  CLEAR: style.OKABE_ITO["blue"]}[outcome.decision]
        self.result.value = f"<p style='color:{colour}'><b>{outcome.message}</b></p>"
        return outcome

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, object]:
        bundle = self.widget._repr_mimebundle_(include=include, exclude=exclude) or {}
        bundle["text/plain"] = (f"[Red-flag checklist] {len(FLAGS)} flags under {len(CONDITIONS)} conditions. "
                                f"{DISCLAIMER} Rule of this checklist: {RULE}")
        return bundle
