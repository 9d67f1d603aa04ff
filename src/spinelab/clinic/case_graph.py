"""The state space of a branching case: every node under every set of facts a student can reach, checked exhaustively.

A case's *state* is the set of facts its choices have set so far (a choice's ``sets``); conditions (``when``) on a
node's text variants, on a choice, or on a choice's feedback variants read it. :func:`explore` walks every
(node, facts) pair reachable from the start; :func:`check` refuses a case, naming the file and the node, when a
condition reads a fact no choice sets, a fact is set and never read, a choice or a variant can never show, a step
offers fewer than two choices or no best choice under some reachable state, some reachable state cannot reach an
ending, or following the best choices does not reach a good ending. :func:`figures` counts what a case offers: its
decisions, how many branch, its distinct routes, its recovery routes (a misstep with its own consequence, then a good
ending) and the steps with two defensible choices. Pure Python; the case types are :mod:`spinelab.clinic.cases`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from spinelab.course import datafile

if TYPE_CHECKING:
    from spinelab.clinic.cases import Case, Choice, Node

Facts = frozenset[str]
#: A misstep: a choice with one of these grades that leads somewhere the best choice does not is a consequence.
MISSTEPS = ("unhelpful", "harmful")
#: At most this many distinct routes are counted (a case is a teaching graph, not a maze).
ROUTE_LIMIT = 10_000


class CaseError(ValueError):
    """A case file that breaks a rule of the format; the message names the file and the node."""


def holds(when: Iterable[str], facts: Facts) -> bool:
    """True if every literal of ``when`` holds: ``"fact"`` is set, ``"not fact"`` is not."""
    return all((literal[4:] not in facts) if literal.startswith("not ") else (literal in facts) for literal in when)


def available(node: Node, facts: Facts) -> tuple[Choice, ...]:
    """The node's choices whose condition holds under ``facts``, in file order."""
    return tuple(choice for choice in node.choices if holds(choice.when, facts))


def after(choice: Choice, facts: Facts) -> Facts:
    """The facts once ``choice`` is made."""
    return facts | frozenset(choice.sets)


def describe(facts: Facts) -> str:
    """A state as an error message names it."""
    return "{" + ", ".join(sorted(facts)) + "}" if facts else "{} (no fact set)"


def _where(case: Case, node: Node, number: int | None = None) -> str:
    place = f"{case.source}: {datafile.entry('node', node.id)}"
    return place if number is None else f"{place} {datafile.entry('choice', number)}"


def explore(case: Case) -> dict[tuple[str, Facts], list[tuple[Choice, tuple[str, Facts]]]]:
    """Every reachable (node id, facts) pair with the moves out of it: (choice, the pair it leads to)."""
    first = (case.start, frozenset())
    graph: dict[tuple[str, Facts], list[tuple[Choice, tuple[str, Facts]]]] = {}
    queue = deque([first])
    while queue:
        here = queue.popleft()
        if here in graph:
            continue
        node_id, facts = here
        moves = [(choice, (choice.next, after(choice, facts))) for choice in available(case.nodes[node_id], facts)]
        graph[here] = moves
        queue.extend(target for _, target in moves if target not in graph)
    return graph


def _literals(case: Case) -> Iterator[tuple[str, str, str]]:
    """(where, field, fact) for every literal of every condition of the case."""
    for node in case.nodes.values():
        for number, variant in enumerate(node.variants):
            yield from ((f"{_where(case, node)} variant {number + 1}", "when", literal.removeprefix("not "))
                        for literal in variant.when)
        for number, choice in enumerate(node.choices):
            yield from ((_where(case, node, number), "when", literal.removeprefix("not ")) for literal in choice.when)
            for index, variant in enumerate(choice.variants):
                yield from ((f"{_where(case, node, number)} variant {index + 1}", "when",
                             literal.removeprefix("not ")) for literal in variant.when)


def _check_facts(case: Case) -> None:
    set_at = {fact: (node, number) for node in case.nodes.values() for number, choice in enumerate(node.choices)
              for fact in choice.sets}
    read = set()
    for where, field, fact in _literals(case):
        read.add(fact)
        if fact not in set_at:
            known = ", ".join(sorted(set_at)) or "none"
            raise CaseError(f"{where}: field {field!r} reads fact {fact!r}, which no choice sets (facts set: {known})")
    for fact, (node, number) in set_at.items():
        if fact not in read:
            raise CaseError(f"{_where(case, node, number)}: field 'sets' sets fact {fact!r}, which no condition "
                            "reads; a fact must change some text, choice or feedback later")


def check(case: Case) -> None:
    """Refuse a case whose state space breaks a rule (see the module's docstring).

    Raises
    ------
    CaseError
        Naming the file, the node (and choice or variant) and, where it matters, the state at fault.
    """
    _check_facts(case)
    graph = explore(case)
    seen_nodes = {node_id for node_id, _ in graph}
    unreached = [node_id for node_id in case.nodes if node_id not in seen_nodes]
    if unreached:
        first = case.nodes[unreached[0]]
        what = "ending" if first.is_ending else "step"
        raise CaseError(f"{_where(case, first)}: this {what} is not reachable from the start node {case.start!r} "
                        f"under any state (unreachable: {', '.join(unreached)})")
    for (node_id, facts), moves in graph.items():
        node = case.nodes[node_id]
        if node.is_ending:
            continue
        if len(moves) < 2:
            raise CaseError(f"{_where(case, node)}: under the reachable state {describe(facts)} only {len(moves)} "
                            "choice(s) are available; a step needs at least 2 under every state")
        if not any(choice.grade == "best" for choice, _ in moves):
            raise CaseError(f"{_where(case, node)}: under the reachable state {describe(facts)} no available choice "
                            "is graded best")
    _check_shown(case, graph)
    _check_no_trap(case, graph)
    _check_best_paths(case, graph)


def _check_shown(case: Case, graph: dict) -> None:
    states: dict[str, list[Facts]] = {}
    for node_id, facts in graph:
        states.setdefault(node_id, []).append(facts)
    for node in case.nodes.values():
        for number, choice in enumerate(node.choices):
            if not any(holds(choice.when, facts) for facts in states[node.id]):
                raise CaseError(f"{_where(case, node, number)}: its condition {list(choice.when)} holds under no "
                                "reachable state, so the choice never shows")
            reach = [facts for facts in states[node.id] if holds(choice.when, facts)]
            for index, variant in enumerate(choice.variants):
                if not any(holds(variant.when, facts) for facts in reach):
                    raise CaseError(f"{_where(case, node, number)} variant {index + 1}: its condition "
                                    f"{list(variant.when)} holds under no reachable state, so it never shows")
        for number, variant in enumerate(node.variants):
            if not any(holds(variant.when, facts) for facts in states[node.id]):
                raise CaseError(f"{_where(case, node)} variant {number + 1}: its condition {list(variant.when)} "
                                "holds under no reachable state, so it never shows")


def _check_no_trap(case: Case, graph: dict) -> None:
    """From every reachable state some ending must be reachable (no loop without a way out)."""
    back: dict[tuple[str, Facts], set[tuple[str, Facts]]] = {}
    for here, moves in graph.items():
        for _, target in moves:
            back.setdefault(target, set()).add(here)
    done = {here for here in graph if case.nodes[here[0]].is_ending}
    queue = deque(done)
    while queue:
        for source in back.get(queue.popleft(), ()):
            if source not in done:
                done.add(source)
                queue.append(source)
    for node_id, facts in graph:
        if (node_id, facts) not in done:
            raise CaseError(f"{_where(case, case.nodes[node_id])}: under the reachable state {describe(facts)} no "
                            "ending can be reached: a dead end")


def _check_best_paths(case: Case, graph: dict) -> None:
    """Every path of best choices from the start must end at a good ending, without a loop."""
    stack: list[tuple[tuple[str, Facts], tuple[str, ...]]] = [((case.start, frozenset()), ())]
    while stack:
        here, path = stack.pop()
        node = case.nodes[here[0]]
        if node.id in path:
            raise CaseError(f"{_where(case, node)}: following the best choices from {case.start!r} loops back here "
                            f"({' -> '.join([*path, node.id])}); it must reach a good ending")
        if node.is_ending:
            if node.outcome != "good":
                raise CaseError(f"{_where(case, node)}: following the best choices from {case.start!r} ends here, a "
                                f"{node.outcome!r} ending ({' -> '.join([*path, node.id])}); it must reach a good "
                                "ending")
            continue
        stack += [(target, (*path, node.id)) for choice, target in graph[here] if choice.grade == "best"]


# ------------------------------------------------------------------ what a case offers, counted


@dataclass(frozen=True)
class Figures:
    """What a case offers, counted from its file (:func:`figures`)."""

    decisions: int
    branching: int
    routes: int
    recovery_routes: int
    two_defensible: int
    grades: tuple[str, ...]

    @property
    def branching_share(self) -> float:
        """The share of decisions where some choice leads somewhere other than the best choice does."""
        return self.branching / self.decisions if self.decisions else 0.0


def is_consequence(node: Node, choice: Choice) -> bool:
    """True for a misstep that leads to a node no best choice of the step leads to: its own consequence."""
    return choice.grade in MISSTEPS and choice.next not in {item.next for item in node.choices if item.grade == "best"}


def routes(case: Case) -> dict[tuple[str, ...], bool]:
    """Each distinct route from the start to an ending, as node ids, and whether it recovers through a consequence.

    A route recovers when it takes a misstep with its own consequence (:func:`is_consequence`) and still ends at a
    good ending. Routes are paths of the state graph that visit no (node, facts) pair twice.
    """
    graph = explore(case)
    found: dict[tuple[str, ...], bool] = {}
    stack: list[tuple[tuple[str, Facts], tuple[tuple[str, Facts], ...], bool]] = [
        ((case.start, frozenset()), ((case.start, frozenset()),), False)]
    while stack and len(found) < ROUTE_LIMIT:
        here, path, consequence = stack.pop()
        node = case.nodes[here[0]]
        if node.is_ending:
            ids = tuple(node_id for node_id, _ in path)
            found[ids] = found.get(ids, False) or (consequence and node.outcome == "good")
            continue
        for target in dict.fromkeys((target, consequence or is_consequence(node, choice))
                                    for choice, target in graph[here]):
            if target[0] not in path:
                stack.append((target[0], (*path, target[0]), target[1]))
    return found


def figures(case: Case) -> Figures:
    """Count a case's decisions, branching decisions, routes, recovery routes and steps with two defensible choices."""
    steps = [node for node in case.nodes.values() if not node.is_ending]
    branching = sum(1 for node in steps if any(
        choice.grade != "best" and choice.next not in {item.next for item in node.choices if item.grade == "best"}
        for choice in node.choices))
    two = sum(1 for node in steps if sum(choice.grade in ("best", "acceptable") for choice in node.choices) >= 2)
    found = routes(case)
    grades = tuple(dict.fromkeys(choice.grade for node in steps for choice in node.choices))
    return Figures(decisions=len(steps), branching=branching, routes=len(found),
                   recovery_routes=sum(found.values()), two_defensible=two, grades=grades)
