"""Clinic treatments as ILLUSTRATIVE changes of the guarding model, with their evidence.

Each treatment acts on one part of the model (:mod:`spinelab.guarding`): it
lowers the drive from pain to guarding, weakens the pain-spasm-pain loop, or
adds a decay of guarding. The *size* of every change is made up: all five use
the same :data:`ILLUSTRATIVE_STRENGTH`, chosen so that each raises the
threshold loop gain by the same factor. The model therefore says nothing about
which treatment works better. What the research says is in each treatment's
evidence: statements from reviews and guidelines, with their citation keys,
taken from the course's reference registry (never an invented effect size).
"""

from __future__ import annotations

from dataclasses import dataclass

from IPython.display import Markdown

from spinelab import references
from spinelab.guarding import ParameterChange

#: The same made-up strength for every treatment: it removes 30 % of the mechanism it acts on.
ILLUSTRATIVE_STRENGTH = 0.3

#: The three ways a treatment can act in the model.
MECHANISMS = {
    "drive": "lowers the drive from pain to guarding (k)",
    "loop": "weakens the pain-spasm-pain loop (g)",
    "decay": "adds a decay of guarding",
}


@dataclass(frozen=True)
class Evidence:
    """One statement about a treatment from a review or guideline in the registry."""

    key: str
    statement: str

    @property
    def citation(self) -> str:
        """Short in-text citation, e.g. ``(Hu et al. 2018)``."""
        return references.cite(self.key)


@dataclass(frozen=True)
class Treatment:
    """A clinic treatment as an illustrative model input, with its evidence.

    Attributes
    ----------
    name : str
        Name shown to students.
    mechanism : str
        Key of :data:`MECHANISMS`: what the treatment changes in the model.
    rationale : str
        Why the clinic expects it to act that way (a hypothesis, not a finding).
    evidence_summary : str
        The evidence in one line, from the cited sources: for each population (acute or chronic low back pain)
        what was found and, where a source rates it, its certainty.
    evidence : tuple of Evidence
        Statements from reviews or guidelines with their citation keys.
    """

    name: str
    mechanism: str
    rationale: str
    evidence_summary: str
    evidence: tuple[Evidence, ...]

    def __post_init__(self) -> None:
        if self.mechanism not in MECHANISMS:
            raise ValueError(f"mechanism must be one of {', '.join(MECHANISMS)}; got {self.mechanism!r}")
        for item in self.evidence:
            references.get(item.key)

    def change_for(self, guarding_days: float) -> ParameterChange:
        """The parameter change for a model whose guarding time constant is ``guarding_days``.

        A decay acting on guarding is scaled by that time constant so that it shifts
        the threshold exactly as much as the other mechanisms do.
        """
        keep = 1.0 - ILLUSTRATIVE_STRENGTH
        if self.mechanism == "drive":
            return ParameterChange(drive_factor=keep)
        if self.mechanism == "loop":
            return ParameterChange(gain_factor=keep)
        return ParameterChange(extra_decay_per_day=(1.0 / keep - 1.0) / guarding_days)

    @property
    def keys(self) -> tuple[str, ...]:
        """Citation keys of the evidence."""
        return tuple(item.key for item in self.evidence)

    def evidence_markdown(self) -> str:
        """The evidence as Markdown bullet points with citations."""
        lines = [f"**{self.name}**: {self.evidence_summary}"]
        lines += [f"- {item.statement} {item.citation}" for item in self.evidence]
        return "\n".join(lines)


def _finding(key: str) -> Evidence:
    """Evidence quoted from the registry entry's ``finding`` (what the source reports)."""
    finding = references.get(key).finding
    if not finding:
        raise ValueError(f"reference {key!r} has no finding to quote")
    return Evidence(key, finding)


TREATMENTS: dict[str, Treatment] = {
    treatment.name: treatment
    for treatment in (
        Treatment(
            name="gentle motion (stay active)",
            mechanism="loop",
            rationale="moving within comfort is thought to break the pain-spasm-pain circle",
            evidence_summary="in acute low back pain: advice to stay active rather than rest in bed gives small "
                             "improvements in pain and function (moderate-quality evidence, as rated in a commentary "
                             "on the review); in sciatica: little or no difference (moderate-quality evidence).",
            evidence=(_finding("dahm2010"), _finding("koes2010")),
        ),
        Treatment(
            name="manual therapy",
            mechanism="decay",
            rationale="mobilisation or manipulation is thought to relax guarding muscles",
            evidence_summary="in acute low back pain: modest short-term benefit of manipulation (low-quality evidence "
                             "in the ACP guideline), and a physical therapy guideline recommends joint mobilisation; "
                             "in chronic low back pain: similar to other recommended therapies (moderate-quality "
                             "evidence).",
            evidence=(_finding("paige2017"), _finding("qaseem2017"), _finding("george2021"),
                      _finding("rubinstein2019")),
        ),
        Treatment(
            name="dry needling",
            mechanism="decay",
            rationale="needling a tender muscle is thought to release it",
            evidence_summary="in low back pain (16 trials, mostly at high or unclear risk of bias): the evidence is "
                             "not robust enough for a firm conclusion on efficacy or safety.",
            evidence=(_finding("hu2018"),),
        ),
        Treatment(
            name="corrective exercise",
            mechanism="drive",
            rationale="capacity and confidence are thought to lessen how strongly pain drives guarding",
            evidence_summary="in chronic low back pain only: guidelines recommend exercise (moderate-quality "
                             "evidence); a Cochrane review of 249 trials exists, its certainty ratings were not "
                             "retrieved here. No evidence for acute pain is cited here; in acute pain most patients "
                             "improve over time regardless of treatment (ACP guideline).",
            evidence=(
                _finding("george2021"),
                _finding("qaseem2017"),
                Evidence("hayden2021", "Cochrane review of 249 exercise trials in chronic non-specific low back pain; "
                                       "its effect sizes and certainty ratings were not retrieved for this course."),
            ),
        ),
        Treatment(
            name="movement retraining",
            mechanism="loop",
            rationale="moving differently is thought to stop guarding from feeding pain",
            evidence_summary="in chronic low back pain only: motor control exercise is no more effective than other "
                             "exercise (evidence of no better than moderate quality; low quality in the ACP "
                             "guideline). No evidence for acute pain is cited here.",
            evidence=(_finding("saragiotto2016"), _finding("qaseem2017")),
        ),
    )
}

#: Names of the treatments, in the order shown in the notebook.
NAMES: tuple[str, ...] = tuple(TREATMENTS)


def get(name: str) -> Treatment:
    """The treatment with this name (see :data:`NAMES`).

    Raises
    ------
    ValueError
        If the name is not one of :data:`NAMES`.
    """
    if name not in TREATMENTS:
        raise ValueError(f"treatment must be one of {', '.join(NAMES)}; got {name!r}")
    return TREATMENTS[name]


def citation_keys() -> tuple[str, ...]:
    """Every citation key used by the treatments, without repeats."""
    return tuple(dict.fromkeys(key for treatment in TREATMENTS.values() for key in treatment.keys))


def evidence_table() -> Markdown:
    """A Markdown table: each treatment, what it changes in the model, and the strength of its evidence."""
    rows = ["| Treatment | In the model (illustrative) | What the evidence says | Sources |", "|---|---|---|---|"]
    for item in TREATMENTS.values():
        sources = "; ".join(references.get(key).short() for key in dict.fromkeys(item.keys))
        rows.append(f"| {item.name} | {MECHANISMS[item.mechanism]} | {item.evidence_summary} | {sources} |")
    return Markdown("\n".join(rows))
