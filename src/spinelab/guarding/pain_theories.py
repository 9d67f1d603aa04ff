"""Three theories of how pain changes muscle activity, and what the evidence says.

Each theory predicts a *direction* of change in muscle activity during pain,
not a size: +1 more activity, -1 less, +0.5 "a small increase" (the words of
Lund et al. 1991 for the antagonist), and ``None`` for "redistributed": up in
some muscles or people, down in others. The
predictions are summarised from the sources' abstracts and key points (see
each theory's ``keys``); they are qualitative and are not effect sizes.
"""

from __future__ import annotations

from dataclasses import dataclass

from spinelab.course import references

#: The muscle roles compared.
ROLES = ("agonist", "antagonist")

#: What the review of the evidence concluded (van Dieën et al. 2003), quoted from its abstract.
EVIDENCE_VERDICT = (
    "Neither of the two models is unequivocally supported by the literature. [...] "
    "It is proposed that motor control changes in patients are functional in that they enhance spinal stability."
)
EVIDENCE_KEY = "vandieen2003"


@dataclass(frozen=True)
class Theory:
    """One theory: its predicted direction of change per muscle role (its claim is told in notebook 02)."""

    name: str
    short_name: str
    predictions: dict[str, float | None]
    keys: tuple[str, ...]

    def __post_init__(self) -> None:
        if set(self.predictions) != set(ROLES):
            raise ValueError(f"predictions must cover exactly {', '.join(ROLES)}; got {sorted(self.predictions)}")
        for key in self.keys:
            references.get(key)

    def prediction_text(self, role: str) -> str:
        """The prediction for one role in words."""
        direction = self.predictions[role]
        return {1: "increases", 0.5: "small increase", -1: "decreases",
                None: "redistributed (up or down)"}[direction]


THEORIES: tuple[Theory, ...] = (
    Theory(
        name="Pain-spasm-pain cycle",
        short_name="pain-spasm-pain",
        predictions={"agonist": 1, "antagonist": 1},
        keys=("vandieen2003",),
    ),
    Theory(
        name="Pain-adaptation model (Lund et al. 1991)",
        short_name="pain adaptation",
        predictions={"agonist": -1, "antagonist": 0.5},
        keys=("lund1991", "vandieen2003"),
    ),
    Theory(
        name="Adaptation to pain (Hodges & Tucker 2011)",
        short_name="redistribution",
        predictions={"agonist": None, "antagonist": None},
        keys=("hodgestucker2011",),
    ),
)


def citation_keys() -> tuple[str, ...]:
    """Every key cited by the theories and the evidence verdict."""
    return tuple(dict.fromkeys([key for theory in THEORIES for key in theory.keys] + [EVIDENCE_KEY]))
