"""Notebook 06's branching cases: each patient a decision graph with state, stored as data and validated.

One TOML file per case in ``data/cases/`` (validated by ``schemas/case.schema.json``): a ``start`` node and
``nodes``. A *step* node shows text, optionally a tool result (:mod:`spinelab.clinic.case_tools`), a question and its
choices. Each choice leads to another node, carries feedback with citations and a grade (``best``, ``acceptable``,
``unhelpful`` or ``harmful``), and may set facts (``sets``); a choice shows only when its condition (``when``: facts
that must be set, or ``"not fact"``) holds, and a node's text and a choice's feedback gain a paragraph for each of
their ``variants`` whose condition holds. An *ending* node has an outcome, ``good`` or ``misstep``, and no choices;
its variants make it follow from the path taken. The schema states the fields; this module checks each node
(:class:`CaseError`, naming the file and the node), and :mod:`spinelab.clinic.case_graph` checks the state space
exhaustively. The module is pure Python: the player is :class:`spinelab.clinic.case_player.CasePlayer`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import PurePosixPath

from spinelab.clinic import case_graph
from spinelab.clinic.case_graph import CaseError, Facts, after, available, holds
from spinelab.clinic.case_tools import TOOL_KINDS, Tool, tool_keys, tool_result
from spinelab.course import datafile, references, wording
from spinelab.course.validation import check_text

__all__ = ["TOOL_KINDS", "Case", "CaseError", "Choice", "Node", "Tool", "Variant", "after", "available", "holds",
           "tool_keys", "tool_result"]

CASES_FOLDER = "data/cases"
OUTCOMES = ("good", "misstep")
#: The grades of a choice, best first (:func:`grade_label`: how a student reads them).
GRADES = ("best", "acceptable", "unhelpful", "harmful")


def outcome_label(outcome: str) -> str:
    """How a student-facing outcome is named, e.g. ``"Good care"`` (``data/wording.toml`` ``[cases]``)."""
    return wording.phrase("cases", f"outcome_{outcome}")


def grade_label(grade: str) -> str:
    """How a student reads a choice's grade, e.g. ``"Best choice"`` (``data/wording.toml`` ``[cases]``)."""
    return wording.phrase("cases", f"grade_{grade}")


@dataclass(frozen=True)
class Variant:
    """A paragraph shown only when its condition holds (every literal of ``when``)."""

    when: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class Choice:
    """One choice of a step: what the student picks, where it leads, its grade, feedback and citations, the facts
    it sets and the condition under which it shows."""

    label: str
    next: str
    feedback: str
    cites: tuple[str, ...]
    grade: str = "unhelpful"
    sets: tuple[str, ...] = ()
    when: tuple[str, ...] = ()
    variants: tuple[Variant, ...] = ()

    @property
    def concordant(self) -> bool:
        """True for the best choice (the guideline-concordant one)."""
        return self.grade == "best"


@dataclass(frozen=True)
class Node:
    """A step (question and choices) or an ending (outcome, no choices)."""

    id: str
    title: str
    text: str
    question: str = ""
    tool: Tool | None = None
    choices: tuple[Choice, ...] = ()
    outcome: str = ""
    cites: tuple[str, ...] = ()
    variants: tuple[Variant, ...] = ()

    @property
    def is_ending(self) -> bool:
        """True for an ending (it has an outcome and no choices)."""
        return not self.choices


@dataclass(frozen=True)
class Case:
    """One branching case: its nodes by id and the node it starts at."""

    id: str
    title: str
    summary: str
    start: str
    nodes: dict[str, Node]
    source: str

    def node(self, node_id: str) -> Node:
        """The node with this id."""
        if node_id not in self.nodes:
            raise ValueError(f"node_id must be one of {', '.join(self.nodes)}; got {node_id!r}")
        return self.nodes[node_id]

    def citation_keys(self) -> tuple[str, ...]:
        """Every key the case cites (nodes, choices, tools' sources), without repeats, in file order."""
        keys: list[str] = []
        for item in self.nodes.values():
            keys += [*item.cites, *(key for choice in item.choices for key in choice.cites)]
            if item.tool is not None:
                keys += tool_keys(item.tool)
        return tuple(dict.fromkeys(keys))

    def facts(self) -> tuple[str, ...]:
        """Every fact a choice of the case sets, in file order."""
        return tuple(dict.fromkeys(fact for node in self.nodes.values() for choice in node.choices
                                   for fact in choice.sets))


def node_text(node: Node, facts: Facts = frozenset()) -> str:
    """The node's text under ``facts``: its text, then each variant whose condition holds."""
    return "\n\n".join([node.text, *(variant.text for variant in node.variants if holds(variant.when, facts))])


def feedback_text(choice: Choice, facts: Facts = frozenset()) -> str:
    """The choice's feedback under the facts set before it was made: its feedback, then each variant that holds."""
    return "\n\n".join([choice.feedback, *(item.text for item in choice.variants if holds(item.when, facts))])


def _tool(row: dict) -> Tool:
    return Tool(kind=row["kind"], flags=tuple(row.get("flags", ())), answers=tuple(row.get("answers", ())),
                test=row.get("test", ""), pre_test=float(row.get("pre_test", 0.0)), result=row.get("result", ""),
                values=tuple(row.get("values", ())), shown=row.get("shown", "before"))


def _variants(rows: Iterable[dict]) -> tuple[Variant, ...]:
    return tuple(Variant(when=tuple(row["when"]), text=row["text"].strip()) for row in rows)


def _node(node_id: str, row: dict) -> Node:
    choices = tuple(Choice(label=" ".join(item["label"].split()), next=item["next"], feedback=item["feedback"].strip(),
                           cites=tuple(item["cites"]), grade=item["grade"], sets=tuple(item.get("sets", ())),
                           when=tuple(item.get("when", ())), variants=_variants(item.get("variants", ())))
                    for item in row.get("choices", ()))
    return Node(id=node_id, title=row["title"], text=row["text"].strip(), question=row.get("question", ""),
                tool=_tool(row["tool"]) if "tool" in row else None, choices=choices,
                outcome=row.get("outcome", ""), cites=tuple(row.get("cites", ())),
                variants=_variants(row.get("variants", ())))


def parse(text: str, source: str) -> Case:
    """Parse one case's TOML text: the schema, each node, then the state space (:func:`case_graph.check`).

    Parameters
    ----------
    text : str
        The TOML text.
    source : str
        The file name given in error messages, e.g. ``data/cases/warehouse.toml``; a name ending in ``.toml`` must
        have the case's id as its stem.

    Raises
    ------
    CaseError
        Naming the file and the node (and the choice, variant or field, and the state) at fault.
    TypeError
        Naming ``text`` or ``source`` if it is not a ``str`` (bytes must be decoded first).
    """
    check_text("text", text)
    check_text("source", source)
    try:
        data = datafile.parse(text, "case", source)
    except ValueError as error:
        raise CaseError(str(error)) from None
    stem = PurePosixPath(source).stem
    if source.endswith(".toml") and data["id"] != stem:
        raise CaseError(f"{source}: field 'id' must equal the file name's stem {stem!r}; got {data['id']!r}")
    case = Case(id=data["id"], title=data["title"], summary=" ".join(data["summary"].split()), start=data["start"],
                nodes={node_id: _node(node_id, row) for node_id, row in data["nodes"].items()}, source=source)
    _check(case)
    return case


def _where(case: Case, node: Node, number: int | None = None) -> str:
    place = f"{case.source}: {datafile.entry('node', node.id)}"
    return place if number is None else f"{place} {datafile.entry('choice', number)}"


def _check(case: Case) -> None:
    if case.start not in case.nodes:
        raise CaseError(f"{case.source}: field 'start' must name a node ({', '.join(case.nodes)}); got {case.start!r}")
    for node in case.nodes.values():
        _check_node(case, node)
    endings = [node for node in case.nodes.values() if node.is_ending]
    missing = [outcome for outcome in OUTCOMES if all(node.outcome != outcome for node in endings)]
    if missing:
        listed = ", ".join(f"{datafile.entry('node', node.id)} ({node.outcome})" for node in endings)
        raise CaseError(f"{case.source}: a case needs at least one {' and one '.join(map(repr, OUTCOMES))} ending; "
                        f"no ending has outcome {' or '.join(map(repr, missing))} (endings: {listed})")
    case_graph.check(case)


def _check_node(case: Case, node: Node) -> None:
    where = _where(case, node)
    _require_keys(node.cites, f"{where}: field 'cites'")
    if node.is_ending:
        if node.outcome not in OUTCOMES:
            raise CaseError(f"{where}: a node without choices is an ending and needs field 'outcome' "
                            f"({' or '.join(OUTCOMES)}); a step needs a question and at least 2 choices")
        if not node.cites:
            raise CaseError(f"{where}: an ending needs field 'cites' (a non-empty list of reference keys)")
        if node.question:
            raise CaseError(f"{where}: an ending has no field 'question' (it has no choices)")
    else:
        if node.outcome:
            raise CaseError(f"{where}: a step (a node with choices) has no field 'outcome'; endings have no choices")
        if not node.question:
            raise CaseError(f"{where}: a step needs field 'question'")
        if len(node.choices) < 2:
            raise CaseError(f"{where}: a step needs at least 2 choices; got {len(node.choices)}")
        if not any(choice.concordant for choice in node.choices):
            raise CaseError(f"{where}: no choice is graded best; each step needs the guideline-concordant choice")
    for number, choice in enumerate(node.choices):
        place = _where(case, node, number)
        if choice.next not in case.nodes:
            raise CaseError(f"{place}: field 'next' must name a node of the case; got {choice.next!r} "
                            f"(nodes: {', '.join(case.nodes)})")
        _require_keys(choice.cites, f"{place}: field 'cites'")
    if node.tool is not None:
        try:  # the tool's own module checks its inputs (and nothing is cited yet)
            tool_keys(node.tool)
        except ValueError as error:
            raise CaseError(f"{where} tool: {error}") from None


def _require_keys(keys: Iterable[str], where: str) -> None:
    try:
        references.require(tuple(keys), where)
    except ValueError as error:
        raise CaseError(str(error)) from None


# ------------------------------------------------------------------ loading and walking

def _case_files() -> list[str]:
    folder = resources.files("spinelab").joinpath(CASES_FOLDER)
    return sorted(item.name for item in folder.iterdir() if item.name.endswith(".toml")) if folder.is_dir() else []


@cache
def cases() -> tuple[Case, ...]:
    """Every case of ``data/cases/``, sorted by file name, each read and validated on first use."""
    folder = resources.files("spinelab").joinpath(CASES_FOLDER)
    return tuple(parse(folder.joinpath(name).read_text(encoding="utf-8"), f"{CASES_FOLDER}/{name}")
                 for name in _case_files())


def citation_keys() -> tuple[str, ...]:
    """Every key the cases cite, without repeats (for the notebook's reference list)."""
    return tuple(dict.fromkeys(key for case in cases() for key in case.citation_keys()))


def load(case_id: str) -> Case:
    """The case with this id, e.g. ``load("warehouse")``.

    Raises
    ------
    ValueError
        If there is no such case; the message lists the ids.
    """
    by_id = {case.id: case for case in cases()}
    if case_id not in by_id:
        raise ValueError(f"case_id must be one of {', '.join(by_id)}; got {case_id!r}")
    return by_id[case_id]


def _choice(node: Node, facts: Facts, pick: str | int) -> Choice:
    offered = available(node, facts)
    if isinstance(pick, int) and not isinstance(pick, bool):
        if not 0 <= pick < len(offered):
            raise ValueError(f"choice at node {node.id!r} must be an index from 0 to {len(offered) - 1}; got {pick}")
        return offered[pick]
    for choice in offered:
        if choice.label == pick:
            return choice
    labels = "; ".join(choice.label for choice in offered)
    raise ValueError(f"choice at node {node.id!r} must be one of: {labels}; got {pick!r}")


@dataclass(frozen=True)
class Step:
    """One step of a walk: the node, the facts set on arriving there, and the choice made there (None at the end)."""

    node: Node
    facts: Facts
    choice: Choice | None


def play(case: Case, picks: Sequence[str | int]) -> list[Step]:
    """The steps of a walk from the start when the student makes these choices (labels, or indices among the
    choices available at each step, in file order).

    Raises
    ------
    ValueError
        If a choice is not one available at its node, or a choice is made at an ending.
    """
    node, facts, steps = case.node(case.start), frozenset[str](), []
    for pick in picks:
        if node.is_ending:
            raise ValueError(f"picks go past the ending {node.id!r}: {len(steps)} choice(s) reach it")
        choice = _choice(node, facts, pick)
        steps.append(Step(node, facts, choice))
        node, facts = case.node(choice.next), after(choice, facts)
    return [*steps, Step(node, facts, None)]


def walk(case: Case, picks: Sequence[str | int]) -> list[Node]:
    """The nodes visited from the start when the student makes these choices (see :func:`play`)."""
    return [step.node for step in play(case, picks)]


def concordant_path(case: Case) -> list[Node]:
    """The nodes visited when the student always takes the first best choice available: it ends at a good ending."""
    steps = play(case, [])
    while not steps[-1].node.is_ending:
        last = steps[-1]
        best = next(choice for choice in available(last.node, last.facts) if choice.concordant)
        steps = play(case, [*(step.choice.label for step in steps[:-1]), best.label])
    return [step.node for step in steps]
