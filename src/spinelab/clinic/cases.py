"""Notebook 06's branching cases: each patient a decision graph, stored as data and validated as a graph.

One TOML file per case in ``data/cases/`` (validated by ``schemas/case.schema.json``): a ``start`` node and
``nodes``. A *step* node shows text, optionally a tool result, a question and its choices; each choice leads to
another node and carries feedback with citations, and at least one per step is the guideline-concordant choice.
An *ending* node has an outcome, ``good`` or ``misstep``, and no choices. The schema states the fields; this
module checks the graph (:class:`CaseError`, naming the file and the node): every edge leads to a node, every node
is reachable from the start, each step has two choices or more and one concordant, the case has a good and a
misstep ending, following the concordant choices reaches a good ending, citation keys resolve and a tool's inputs
exist. A tool reuses a module of the course (:func:`tool_result`): the red-flag triage, the STarT Back Tool, a
bedside test's likelihood ratio, or study values. The module is pure Python: the player is
:class:`spinelab.clinic.case_player.CasePlayer`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import PurePosixPath

from spinelab.clinic import red_flags, start_back
from spinelab.course import datafile, references
from spinelab.course.text import MarkdownText
from spinelab.course.validation import check_text
from spinelab.multifidus import bedside, post_test, studies

CASES_FOLDER = "data/cases"
OUTCOMES = ("good", "misstep")
TOOL_KINDS = ("red_flags", "start_back", "post_test", "evidence")
#: How a student-facing outcome is named.
OUTCOME_LABELS = {"good": "Good care", "misstep": "A misstep"}


class CaseError(ValueError):
    """A case file that breaks a rule of the format; the message names the file and the node."""


@dataclass(frozen=True)
class Tool:
    """A course module shown at a node: its kind and the inputs of that kind (see :func:`tool_result`)."""

    kind: str
    flags: tuple[str, ...] = ()
    answers: tuple[bool, ...] = ()
    test: str = ""
    pre_test: float = 0.0
    result: str = ""
    values: tuple[str, ...] = ()
    #: "before": the result is part of the step; "after": it comes with the feedback, so that it cannot give the
    #: answer away (a screen whose level names the action, say).
    shown: str = "before"


@dataclass(frozen=True)
class Choice:
    """One choice of a step: what the student picks, where it leads, and the feedback with its citations."""

    label: str
    next: str
    feedback: str
    cites: tuple[str, ...]
    concordant: bool = False


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


def _tool(row: dict) -> Tool:
    return Tool(kind=row["kind"], flags=tuple(row.get("flags", ())), answers=tuple(row.get("answers", ())),
                test=row.get("test", ""), pre_test=float(row.get("pre_test", 0.0)), result=row.get("result", ""),
                values=tuple(row.get("values", ())), shown=row.get("shown", "before"))


def _node(node_id: str, row: dict) -> Node:
    choices = tuple(Choice(label=" ".join(item["label"].split()), next=item["next"], feedback=item["feedback"].strip(),
                           cites=tuple(item["cites"]), concordant=item.get("concordant", False))
                    for item in row.get("choices", ()))
    return Node(id=node_id, title=row["title"], text=row["text"].strip(), question=row.get("question", ""),
                tool=_tool(row["tool"]) if "tool" in row else None, choices=choices,
                outcome=row.get("outcome", ""), cites=tuple(row.get("cites", ())))


def parse(text: str, source: str) -> Case:
    """Parse one case's TOML text: the schema, then the graph.

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
        Naming the file and the node (and the choice or field) at fault.
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
    reached = _reachable(case)
    unreached = [node_id for node_id in case.nodes if node_id not in reached]
    if unreached:
        first = case.nodes[unreached[0]]
        what = "ending" if first.is_ending else "step"
        raise CaseError(f"{_where(case, first)}: this {what} is not reachable from the start node {case.start!r} "
                        f"(unreachable: {', '.join(unreached)})")
    endings = [node for node in case.nodes.values() if node.is_ending]
    missing = [outcome for outcome in OUTCOMES if all(node.outcome != outcome for node in endings)]
    if missing:
        listed = ", ".join(f"{datafile.entry('node', node.id)} ({node.outcome})" for node in endings)
        raise CaseError(f"{case.source}: a case needs at least one {' and one '.join(map(repr, OUTCOMES))} ending; "
                        f"no ending has outcome {' or '.join(map(repr, missing))} (endings: {listed})")
    _check_concordant_paths(case)


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
            raise CaseError(f"{where}: no choice is marked concordant = true; each step needs the guideline-"
                            "concordant choice")
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


def _reachable(case: Case) -> set[str]:
    seen, stack = {case.start}, [case.start]
    while stack:
        for choice in case.nodes[stack.pop()].choices:
            if choice.next not in seen:
                seen.add(choice.next)
                stack.append(choice.next)
    return seen


def _check_concordant_paths(case: Case) -> None:
    """Every path of concordant choices from the start must end at a good ending, without a loop."""
    stack: list[tuple[str, tuple[str, ...]]] = [(case.start, ())]
    while stack:
        node_id, path = stack.pop()
        node = case.nodes[node_id]
        if node_id in path:
            raise CaseError(f"{_where(case, node)}: following the concordant choices from {case.start!r} loops back "
                            f"here ({' -> '.join([*path, node_id])}); it must reach a good ending")
        if node.is_ending:
            if node.outcome != "good":
                raise CaseError(f"{_where(case, node)}: following the concordant choices from {case.start!r} ends "
                                f"here, a {node.outcome!r} ending ({' -> '.join([*path, node_id])}); it must reach a "
                                "good ending")
            continue
        stack += [(choice.next, (*path, node_id)) for choice in node.choices if choice.concordant]


# ------------------------------------------------------------------ the tools: the course's modules, reused

def _likelihood_ratio(tool: Tool) -> bedside.Figure:
    found = bedside.test(tool.test)
    ratios = [figure for figure in found.figures if figure.kind in bedside.LIKELIHOOD_RATIOS]
    for figure in ratios:
        if figure.result == tool.result:
            return figure
    results = ", ".join(str(figure.result) for figure in ratios) or "none"
    raise ValueError(f"result must be one for which test {tool.test!r} has a likelihood ratio ({results}); "
                     f"got {tool.result!r}")


def tool_keys(tool: Tool) -> tuple[str, ...]:
    """The sources a tool's result cites.

    Raises
    ------
    ValueError
        As :func:`tool_result`, for inputs its module refuses.
    """
    if tool.kind == "red_flags":
        result = red_flags.screen(tool.flags)
        return tuple(dict.fromkeys([red_flags.FRAMEWORK_KEY, *red_flags.level(result.level).sources,
                                    *(key for item in result.flags for key in item.sources)]))
    if tool.kind == "start_back":
        return tuple(dict.fromkeys([*start_back.tool().sources,
                                    *start_back.stratum(start_back.stratify(tool.answers)).sources]))
    if tool.kind == "post_test":
        return (_likelihood_ratio(tool).source,)
    if tool.kind == "evidence":
        return tuple(dict.fromkeys(studies.value(value_id).study for value_id in tool.values))
    raise ValueError(f"kind must be one of {', '.join(TOOL_KINDS)}; got {tool.kind!r}")


def tool_result(tool: Tool) -> MarkdownText:
    """A tool's result, computed by the course's own module (Markdown with citations).

    - ``red_flags``: the triage level, action and reasons (:func:`spinelab.clinic.red_flags.screen`);
    - ``start_back``: the score, the risk group and what is offered (:mod:`spinelab.clinic.start_back`);
    - ``post_test``: the probability after the test's result, from its likelihood ratio
      (:mod:`spinelab.multifidus.bedside`, :func:`spinelab.multifidus.post_test.post_test_probability`);
    - ``evidence``: study values with their citation (:func:`spinelab.multifidus.studies.value`).

    Raises
    ------
    ValueError
        If the tool's inputs are not valid for its module (unknown flag, test, result or value id, wrong answers).
    """
    if tool.kind == "red_flags":
        result = red_flags.screen(tool.flags)
        ticked = ", ".join(item.name for item in result.flags) or "none"
        return MarkdownText(f"**Red-flag screen** (flags found: {ticked}). {result.message} "
                            f"*Safety-netting:* {result.safety_netting}\n\n*{red_flags.DISCLAIMER}*")
    if tool.kind == "start_back":
        scores = start_back.score(tool.answers)
        return MarkdownText(f"**STarT Back Tool** {references.cite(*start_back.tool().sources)}: overall score "
                            f"{scores.overall} of {start_back.ITEM_COUNT}, distress subscale {scores.distress} of "
                            f"{len(start_back.DISTRESS_ITEMS)}: {scores.stratum} risk. "
                            f"{start_back.offer(scores.stratum)}")
    if tool.kind == "post_test":
        figure = _likelihood_ratio(tool)
        worked = post_test.PostTest(tool.pre_test, figure.value, tool.result, str(figure.target))
        return MarkdownText(f"**{bedside.test(tool.test).name}, {tool.result}.** {worked.sentence()} "
                            f"From the study: {figure.sentence()}.")
    if tool.kind == "evidence":
        lines = [_value_line(studies.value(value_id)) for value_id in tool.values]
        return MarkdownText("**The evidence.**\n\n" + "\n".join(f"- {line}" for line in lines))
    raise ValueError(f"kind must be one of {', '.join(TOOL_KINDS)}; got {tool.kind!r}")


def _value_line(item: studies.Value) -> str:
    context = [item.group] if item.group else []
    if item.period is not None and item.time_unit:
        start, end = item.period
        unit, _, rest = item.time_unit.partition(" ")
        when = f"{start:g}" if start == end else f"within {end:g}" if start == 0 else f"{start:g}–{end:g}"
        context.append(" ".join(filter(None, [when, unit.removesuffix("s") if when == "1" else unit, rest])))
    where = f" ({', '.join(context)})" if context else ""
    unit = f" {item.unit}" if item.unit and item.unit not in item.quantity else ""
    interval = f" (95 % CI {item.ci[0]:g} to {item.ci[1]:g})" if item.ci else ""
    return f"{item.quantity}{where}: {item.value:g}{unit}{interval} {references.cite(item.study)}"


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


def _choice(node: Node, pick: str | int) -> Choice:
    if isinstance(pick, int) and not isinstance(pick, bool):
        if not 0 <= pick < len(node.choices):
            raise ValueError(f"choice at node {node.id!r} must be an index from 0 to {len(node.choices) - 1}; "
                             f"got {pick}")
        return node.choices[pick]
    for choice in node.choices:
        if choice.label == pick:
            return choice
    labels = "; ".join(choice.label for choice in node.choices)
    raise ValueError(f"choice at node {node.id!r} must be one of: {labels}; got {pick!r}")


def walk(case: Case, picks: Sequence[str | int]) -> list[Node]:
    """The nodes visited from the start when the student makes these choices (labels, or indices in file order).

    Raises
    ------
    ValueError
        If a choice is not one of the node's, or a choice is made at an ending.
    """
    visited = [case.node(case.start)]
    for pick in picks:
        here = visited[-1]
        if here.is_ending:
            raise ValueError(f"picks go past the ending {here.id!r}: {len(visited) - 1} choice(s) reach it")
        visited.append(case.node(_choice(here, pick).next))
    return visited


def concordant_path(case: Case) -> list[Node]:
    """The nodes visited when the student always takes the first concordant choice: it ends at a good ending."""
    visited = [case.node(case.start)]
    while not visited[-1].is_ending:
        visited.append(case.node(next(choice for choice in visited[-1].choices if choice.concordant).next))
    return visited
