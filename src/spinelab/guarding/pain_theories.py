"""Three theories of how pain changes muscle activity, and what the evidence says.

Each theory predicts a *direction* of change in muscle activity during pain,
not a size: +1 more activity, -1 less, +0.5 "a small increase" (the words of
Lund et al. 1991 for the antagonist), and ``None`` for "redistributed": up in
some muscles or people, down in others. The theories and the review's verdict
live in ``data/theories.toml`` (validated by ``schemas/theories.schema.json``)
and are read on first use: :data:`THEORIES` and :data:`EVIDENCE_KEY` are
looked up then, not at import. The predictions are summarised from the
sources' abstracts and key points (see each theory's ``keys``); they are
qualitative and are not effect sizes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from spinelab.course import datafile, references

#: The muscle roles compared.
ROLES = ("agonist", "antagonist")

#: How the data file spells a prediction of ``None``.
_REDISTRIBUTED = "redistributed"


@dataclass(frozen=True)
class Theory:
    """One theory: its predicted direction of change per muscle role (its claim is told in notebook 02)."""

    name: str
    short_name: str
    predictions: dict[str, float | None]
    keys: tuple[str, ...]

    def prediction_text(self, role: str) -> str:
        """The prediction for one role in words."""
        direction = self.predictions[role]
        return {1: "increases", 0.5: "small increase", -1: "decreases",
                None: "redistributed (up or down)"}[direction]


#: The theories, in display order (looked up on first use, by the module's ``__getattr__``).
THEORIES: tuple[Theory, ...]
#: Citation key of the review whose verdict notebook 02 quotes (looked up on first use).
EVIDENCE_KEY: str


@cache
def theories() -> tuple[Theory, ...]:
    """The theories of ``data/theories.toml``, in display order; every citation key must resolve.

    Raises
    ------
    ValueError
        Naming the file, the theory and the field at fault.
    """
    rows = datafile.load("theories")["theory"]
    return tuple(
        Theory(row["name"], row["short_name"],
               {role: None if value == _REDISTRIBUTED else value for role, value in row["predictions"].items()},
               references.require(row["keys"], f"data/theories.toml: {datafile.entry('theory', number, row)}: "
                                               "field 'keys'"))
        for number, row in enumerate(rows))


def _evidence_key() -> str:
    key = datafile.load("theories")["verdict"]["key"]
    return references.require(key, "data/theories.toml: verdict: field 'key'")[0]


def citation_keys() -> tuple[str, ...]:
    """Every key cited by the theories and the evidence verdict."""
    return tuple(dict.fromkeys([key for theory in theories() for key in theory.keys] + [_evidence_key()]))


def __getattr__(name: str) -> object:
    """:data:`THEORIES` (all theories) and :data:`EVIDENCE_KEY` (the review's key), read from the data file on use."""
    if name == "THEORIES":
        return theories()
    if name == "EVIDENCE_KEY":
        return _evidence_key()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
