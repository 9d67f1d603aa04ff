"""Case maps for instructors: each branching case of notebook 06 drawn as its decision graph.

:func:`case_map_figure` draws one case of :mod:`spinelab.clinic.cases`. Nodes sit in rows by their distance from the
start (breadth first, :func:`layout`); the node of the best path leads each row, so the path runs straight down the
left. Steps are square boxes with their title and the case's state at that step: ``+fact`` for a fact one of its
choices sets, ``?fact`` for a fact its text or choices read; endings are rounded boxes, a good ending marked ✓ with
a solid border, a misstep marked ✗ with a dashed border, each in its own colour, with the facts their variants read.
Each arrow stands for the choices of a step that lead to one node with one grade: thick and solid for the best
choice, solid for an acceptable one, dashed for an unhelpful one and dotted for a harmful one, with "×n" when n
choices lead there. The layout is computed, never random, so a map is the same on every run. The alt text lists the
best path, the endings, the facts and where every step's choices lead, with their grades.
"""

from __future__ import annotations

import textwrap
from collections import deque
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch
from matplotlib.path import Path

from spinelab.clinic import cases
from spinelab.course import style
from spinelab.course.live import LiveFigure

#: Geometry in inches at the desk (the figure grows with the fonts in presenter mode, so the layout holds).
BOX_WIDTH = 1.6
COLUMN_PITCH = 1.8
ROW_GAP = 0.5
LINE_HEIGHT = 0.155
BOX_PADDING = 0.16
#: Characters per line of a box's title: what fits in :data:`BOX_WIDTH` at :data:`BOX_FONT`.
WRAP = 22
#: Points at the desk; at least 7 pt when the map is printed on A4.
BOX_FONT = 8.5
LABEL_FONT = 8.0
#: How far beside the concordant arrow the other choices' arrow runs; how much an arrow back up a row bends.
PARALLEL_OFFSET = 0.4
BACK_ARC = 0.5

#: How each kind of node is drawn: the fill is a light tint of the colour, so the title stays readable on it.
NODE_LOOKS: dict[str, dict[str, object]] = {
    "step": {"edge": style.OKABE_ITO["black"], "fill": "white", "linestyle": "-", "mark": "", "rounded": False},
    "good": {"edge": style.OKABE_ITO["bluish_green"], "fill": to_rgba(style.OKABE_ITO["bluish_green"], 0.3),
             "linestyle": "-", "mark": "✓ ", "rounded": True},
    "misstep": {"edge": style.OKABE_ITO["orange"], "fill": to_rgba(style.OKABE_ITO["orange"], 0.3),
                "linestyle": "--", "mark": "✗ ", "rounded": True},
}
#: How a choice is drawn, by its grade: line width and style carry the grade, so no colour is needed to read it.
EDGE_LOOKS: dict[str, dict[str, object]] = {
    "best": {"linewidth": 2.8, "linestyle": "-"},
    "acceptable": {"linewidth": 1.4, "linestyle": "-"},
    "unhelpful": {"linewidth": 1.0, "linestyle": "--"},
    "harmful": {"linewidth": 1.0, "linestyle": ":"},
}
OUTCOME_NAMES = {"good": "good ending", "misstep": "misstep ending"}


@dataclass(frozen=True)
class Edge:
    """The choices of one step that lead to one node and share their grade, drawn as one arrow."""

    source: str
    target: str
    grade: str
    count: int

    @property
    def concordant(self) -> bool:
        """True for the best choice's arrow."""
        return self.grade == "best"


def kind(node: cases.Node) -> str:
    """``"step"``, or the ending's outcome (``"good"`` or ``"misstep"``)."""
    return node.outcome if node.is_ending else "step"


def layers(case: cases.Case) -> dict[str, int]:
    """Each node's distance from the start in choices (breadth first, choices in file order)."""
    distance = {case.start: 0}
    queue = deque([case.start])
    while queue:
        here = queue.popleft()
        for choice in case.nodes[here].choices:
            if choice.next not in distance:
                distance[choice.next] = distance[here] + 1
                queue.append(choice.next)
    return distance


def layout(case: cases.Case) -> dict[str, tuple[int, int]]:
    """Each node's (row, column): the row is its distance from the start; the concordant path leads its row.

    Within a row the other nodes follow in the order breadth-first search meets them, so the layout depends only on
    the case file.
    """
    distance = layers(case)
    on_path = {node.id for node in cases.concordant_path(case)}
    rows: dict[int, list[str]] = {}
    for node_id in distance:  # insertion order: the order the search met the nodes
        rows.setdefault(distance[node_id], []).append(node_id)
    return {node_id: (row, column) for row, members in rows.items()
            for column, node_id in enumerate(sorted(members, key=lambda member: member not in on_path))}


def edges(case: cases.Case) -> list[Edge]:
    """The arrows of the map: each step's choices grouped by where they lead and by grade."""
    found: dict[tuple[str, str, str], int] = {}
    for node in case.nodes.values():
        for choice in node.choices:
            key = (node.id, choice.next, choice.grade)
            found[key] = found.get(key, 0) + 1
    return [Edge(source, target, grade, count) for (source, target, grade), count in found.items()]


def facts_set(node: cases.Node) -> tuple[str, ...]:
    """The facts the node's choices set, in file order."""
    return tuple(dict.fromkeys(fact for choice in node.choices for fact in choice.sets))


def facts_read(node: cases.Node) -> tuple[str, ...]:
    """The facts the node's text variants, choices and feedback variants read, in file order."""
    conditions = [*(variant.when for variant in node.variants), *(choice.when for choice in node.choices),
                  *(variant.when for choice in node.choices for variant in choice.variants)]
    return tuple(dict.fromkeys(literal.removeprefix("not ") for when in conditions for literal in when))


def box_title(node: cases.Node) -> str:
    """The text in a node's box: the ending's mark and the title, then the facts it sets and reads, wrapped."""
    state = " ".join([*(f"+{fact}" for fact in facts_set(node)), *(f"?{fact}" for fact in facts_read(node))])
    title = textwrap.fill(f"{NODE_LOOKS[kind(node)]['mark']}{node.title}", WRAP)
    return f"{title}\n{textwrap.fill(state, WRAP)}" if state else title


def _alt_text(case: cases.Case) -> str:
    path = " → ".join(node.title for node in cases.concordant_path(case))
    endings = "; ".join(f"{node.title} ({OUTCOME_NAMES[node.outcome]})" for node in case.nodes.values()
                        if node.is_ending)
    steps = []
    best_first = sorted(edges(case), key=lambda edge: cases.GRADES.index(edge.grade))
    for node in case.nodes.values():
        if node.is_ending:
            continue
        leads = ", ".join(f"{edge.count} {edge.grade} to {case.nodes[edge.target].title}" for edge in best_first
                          if edge.source == node.id)
        steps.append(f"{node.title}: {len(node.choices)} choices ({leads})")
    facts = "; ".join(
        f"{fact} (set at {', '.join(n.title for n in case.nodes.values() if fact in facts_set(n))}; read at "
        f"{', '.join(n.title for n in case.nodes.values() if fact in facts_read(n))})" for fact in case.facts())
    return (f"Map of the branching case {case.title!r}, {len(case.nodes)} nodes in rows by their distance from the "
            f"start. Best path (thick solid arrows): {path}. Endings: {endings}. Facts: {facts or 'none'}. Where "
            f"each step's choices lead, by grade: {'; '.join(steps)}.")


@dataclass(frozen=True)
class _Grid:
    """Where the boxes of a map sit, in inches: columns :data:`COLUMN_PITCH` apart, rows ``row_pitch`` apart."""

    positions: dict[str, tuple[int, int]]
    height: float

    @property
    def row_pitch(self) -> float:
        return self.height + ROW_GAP

    def centre(self, node_id: str) -> tuple[float, float]:
        row, column = self.positions[node_id]
        return column * COLUMN_PITCH, -row * self.row_pitch


def _grid(case: cases.Case) -> _Grid:
    lines = max(box_title(node).count("\n") + 1 for node in case.nodes.values())
    return _Grid(layout(case), lines * LINE_HEIGHT + BOX_PADDING)


def _route(edge: Edge, grid: _Grid, columns: int) -> tuple[list[tuple[float, float]], tuple[float, float]]:
    """The corners of a forward arrow (down to the next row) and where its "×n" label goes.

    The arrow leaves the bottom of its box, runs along the gap between the rows and enters the top of the target,
    so it never crosses a box. The best choice leaves from the middle; the others leave beside it, on the side of
    their target (on the left when they lead where the best one does), further out the worse their grade, so that
    two grades leading to one node stay two arrows.
    """
    (source_x, source_y), (target_x, target_y) = grid.centre(edge.source), grid.centre(edge.target)
    bottom, top = source_y - grid.height / 2, target_y + grid.height / 2
    spread = PARALLEL_OFFSET * (0.5 + 0.25 * cases.GRADES.index(edge.grade))
    if edge.concordant:
        offset = 0.0
    elif target_x == source_x:
        offset = -spread
    else:
        offset = spread if target_x > source_x else -spread
    start_x = source_x + offset
    end_x = target_x + offset if target_x == source_x else target_x
    _, column = grid.positions[edge.source]
    # Arrows from different boxes of a row run along different heights of the gap, so they do not merge.
    along = bottom - ROW_GAP * (0.3 + 0.4 * column / max(1, columns - 1))
    corners = [(start_x, bottom), (start_x, along), (end_x, along), (end_x, top)]
    return corners, (end_x - 0.08, (along + top) / 2) if end_x != start_x else (end_x - 0.08, (bottom + top) / 2)


def _draw_edge(ax: Axes, edge: Edge, grid: _Grid, boxes: dict[str, FancyBboxPatch], columns: int) -> None:
    scale = style.figure_scale()
    look = EDGE_LOOKS[edge.grade]
    common = {"arrowstyle": "-|>", "mutation_scale": 12 * scale, "color": style.OKABE_ITO["black"],
              "linewidth": look["linewidth"], "linestyle": look["linestyle"], "zorder": 1,
              "gid": f"edge:{edge.source}->{edge.target}:{edge.grade}"}
    (source_row, _), (target_row, _) = grid.positions[edge.source], grid.positions[edge.target]
    if target_row == source_row + 1:
        corners, label_at = _route(edge, grid, columns)
        codes = [Path.MOVETO, *[Path.LINETO] * (len(corners) - 1)]
        arrow = FancyArrowPatch(path=Path(corners, codes), shrinkA=0, shrinkB=0, **common)
    else:  # back to an earlier row or along the same one: an arc round the boxes between, bent more the worse its grade
        bend = BACK_ARC * (1 + 0.4 * cases.GRADES.index(edge.grade))
        start, end = grid.centre(edge.source), grid.centre(edge.target)
        arrow = FancyArrowPatch(start, end, patchA=boxes[edge.source], patchB=boxes[edge.target],
                                connectionstyle=f"arc3,rad={bend}", shrinkA=1, shrinkB=1, **common)
        # Midpoint of the quadratic Bézier that arc3 draws: half its bend away from the chord's midpoint.
        label_at = ((start[0] + end[0]) / 2 + bend * (end[1] - start[1]) / 2,
                    (start[1] + end[1]) / 2 - bend * (end[0] - start[0]) / 2)
    ax.add_patch(arrow)
    if edge.count > 1:
        ax.text(*label_at, f"×{edge.count}", ha="right", va="center", fontsize=LABEL_FONT * scale, zorder=3,
                bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none"})


def draw_case_map(ax: Axes, case: cases.Case) -> dict[str, FancyBboxPatch]:
    """Draw ``case`` on ``ax``; return the box of each node by id (boxes and arrows carry ``gid``s for tests)."""
    scale = style.figure_scale()
    grid = _grid(case)
    boxes: dict[str, FancyBboxPatch] = {}
    for node_id, node in case.nodes.items():
        look = NODE_LOOKS[kind(node)]
        x, y = grid.centre(node_id)
        shape = "round,pad=0,rounding_size=0.12" if look["rounded"] else "square,pad=0"
        box = FancyBboxPatch((x - BOX_WIDTH / 2, y - grid.height / 2), BOX_WIDTH, grid.height, boxstyle=shape,
                             facecolor=look["fill"], edgecolor=look["edge"], linestyle=look["linestyle"],
                             linewidth=1.8, gid=f"node:{node_id}", label=kind(node), zorder=2)
        ax.add_patch(box)
        ax.text(x, y, box_title(node), ha="center", va="center", fontsize=BOX_FONT * scale, zorder=3,
                linespacing=1.15, gid=f"title:{node_id}")
        boxes[node_id] = box
    columns = max(column for _, column in grid.positions.values()) + 1
    rows = max(row for row, _ in grid.positions.values()) + 1
    for edge in edges(case):
        _draw_edge(ax, edge, grid, boxes, columns)
    margin = 0.1  # the page's width goes to the boxes: the widest map must print on A4 at 7 pt or more
    ax.set(xlim=(-BOX_WIDTH / 2 - margin, (columns - 1) * COLUMN_PITCH + BOX_WIDTH / 2 + margin),
           ylim=(-(rows - 1) * grid.row_pitch - grid.height / 2 - margin, grid.height / 2 + margin), aspect="equal")
    ax.axis("off")
    return boxes


def _legend(ax: Axes) -> None:
    scale = style.figure_scale()
    handles = [
        *(Line2D([], [], color="black", **EDGE_LOOKS[grade], label=f"{grade} choice") for grade in cases.GRADES),
        Patch(facecolor="white", edgecolor="black", label="step (+fact: sets it; ?fact: reads it)"),
        Patch(facecolor=NODE_LOOKS["good"]["fill"], edgecolor=NODE_LOOKS["good"]["edge"], linewidth=1.8,
              label="✓ good ending"),
        Patch(facecolor=NODE_LOOKS["misstep"]["fill"], edgecolor=NODE_LOOKS["misstep"]["edge"], linewidth=1.8,
              linestyle="--", label="✗ misstep ending"),
    ]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=2, fontsize=LABEL_FONT * scale,
              handlelength=2.6, frameon=False)


def case_map(case: cases.Case) -> LiveFigure:
    """The map of one case (a static figure), sized to its rows and columns."""
    grid = _grid(case)
    columns = max(column for _, column in grid.positions.values()) + 1
    rows = max(row for row, _ in grid.positions.values()) + 1
    # The map's own extent, plus room for the title above and the legend below.
    live = LiveFigure(_alt_text(case), figsize=(max((columns - 1) * COLUMN_PITCH + BOX_WIDTH + 0.4, 5.6),
                                                rows * grid.row_pitch + 1.4))
    ax = live.axes[0]
    draw_case_map(ax, case)
    ax.set_title(f"Case map: {case.title}", fontsize=11 * style.figure_scale())
    _legend(ax)
    live.render()
    return live


def case_map_figure(case_id: str) -> LiveFigure:
    """The map of the case with this id (:func:`spinelab.clinic.cases.load`), e.g. ``case_map_figure("warehouse")``.

    Raises
    ------
    ValueError
        If there is no such case; the message lists the ids.
    """
    return case_map(cases.load(case_id))

