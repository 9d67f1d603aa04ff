"""Case maps: every node and choice of a case is drawn as the data says, each grade in its own line, the facts each
step sets and reads in its box, the best path thick and solid, the layout deterministic and free of overlaps, and
legible when printed on A4.

The fixture case of ``test_cases`` (with an arrow back to the start and a step's choices split between a step and an
ending) stands for a case added later.
"""

import itertools
from collections import Counter

import matplotlib as mpl
import pytest
from matplotlib.colors import to_rgb
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from test_cases import fixture_case

from spinelab.clinic import case_maps, cases
from spinelab.course import style

#: Width of an A4 page less two 1.5 cm margins, in inches; a map wider than this is scaled down to print.
A4_PRINT_WIDTH = (21.0 - 3.0) / 2.54
MIN_PRINT_POINTS = 7.0

ALL_CASES = [*cases.cases(), fixture_case()]


@pytest.fixture(scope="module", params=ALL_CASES, ids=lambda case: case.id)
def drawn(request):
    case = request.param
    with mpl.rc_context(style.rc_params(presenter=False)):  # the desk style, as for the handouts
        live = case_maps.case_map(case)
    yield case, live
    live.figure.clf()


def _boxes(live) -> dict[str, FancyBboxPatch]:
    return {patch.get_gid().removeprefix("node:"): patch for patch in live.axes[0].patches
            if (patch.get_gid() or "").startswith("node:")}


def _arrows(live) -> dict[tuple[str, str, str], FancyArrowPatch]:
    found = {}
    for patch in live.axes[0].patches:
        gid = patch.get_gid() or ""
        if gid.startswith("edge:"):
            pair, grade = gid.removeprefix("edge:").rsplit(":", 1)
            source, target = pair.split("->")
            found[source, target, grade] = patch
    return found


def test_rows_are_the_distance_from_the_start_and_the_concordant_path_runs_down_the_first_column():
    case = fixture_case()
    assert case_maps.layers(case) == {"first-visit": 0, "risk": 1, "missed-screen": 1, "rule": 2, "recovered": 3,
                                      "good-ending": 4}
    positions = case_maps.layout(case)
    assert [positions[node.id] for node in cases.concordant_path(case)] == [(row, 0) for row in range(5)]
    assert positions["missed-screen"] == (1, 1)


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda case: case.id)
def test_the_layout_is_the_same_on_every_call_and_gives_each_node_its_own_place(case):
    first, second = case_maps.layout(case), case_maps.layout(case)
    assert first == second and set(first) == set(case.nodes)
    assert len(set(first.values())) == len(first)


def test_each_box_holds_its_node_title_with_the_ending_marked(drawn):
    case, live = drawn
    boxes = _boxes(live)
    assert set(boxes) == set(case.nodes)
    titles = {text.get_gid().removeprefix("title:"): " ".join(text.get_text().split()) for text in live.axes[0].texts
              if (text.get_gid() or "").startswith("title:")}
    for node in case.nodes.values():
        mark = {"good": "✓ ", "misstep": "✗ "}.get(node.outcome, "")
        state = " ".join([*(f"+{fact}" for fact in case_maps.facts_set(node)),
                          *(f"?{fact}" for fact in case_maps.facts_read(node))])
        assert titles[node.id] == " ".join(filter(None, [f"{mark}{node.title}", state]))
        box = boxes[node.id]
        if node.outcome == "good":
            assert box.get_linestyle() == "-" and box.get_edgecolor()[:3] == to_rgb(style.OKABE_ITO["bluish_green"])
        elif node.outcome == "misstep":
            assert box.get_linestyle() == "--" and box.get_edgecolor()[:3] == to_rgb(style.OKABE_ITO["orange"])
        else:
            assert box.get_linestyle() == "-" and box.get_boxstyle().__class__.__name__ == "Square"


def test_each_arrow_stands_for_the_choices_of_one_grade_that_lead_there_and_the_best_ones_are_thick_and_solid(drawn):
    case, live = drawn
    arrows = _arrows(live)
    choices = Counter((node.id, choice.next, choice.grade) for node in case.nodes.values() for choice in node.choices)
    assert set(arrows) == set(choices)
    counts = {text.get_text() for text in live.axes[0].texts if text.get_text().startswith("×")}
    assert counts == {f"×{count}" for count in choices.values() if count > 1}
    path = cases.concordant_path(case)
    for source, target in itertools.pairwise(path):
        arrow = arrows[source.id, target.id, "best"]
        assert arrow.get_linewidth() == case_maps.EDGE_LOOKS["best"]["linewidth"] and arrow.get_linestyle() == "-"
    styles = {"best": "-", "acceptable": "-", "unhelpful": "--", "harmful": ":"}
    for (_, _, grade), arrow in arrows.items():
        look = case_maps.EDGE_LOOKS[grade]
        assert arrow.get_linestyle() == styles[grade] and arrow.get_linewidth() == look["linewidth"]
        if grade != "best":
            assert arrow.get_linewidth() <= case_maps.EDGE_LOOKS["best"]["linewidth"] / 2


def test_no_two_boxes_overlap_and_every_title_fits_inside_its_box(drawn):
    case, live = drawn
    renderer = live.canvas.get_renderer()
    boxes = {node_id: box.get_window_extent(renderer) for node_id, box in _boxes(live).items()}
    for (first, one), (second, other) in itertools.combinations(boxes.items(), 2):
        assert not one.overlaps(other), f"{case.id}: boxes {first} and {second} overlap"
    for text in live.axes[0].texts:
        if (text.get_gid() or "").startswith("title:"):
            box, extent = boxes[text.get_gid().removeprefix("title:")], text.get_window_extent(renderer)
            assert box.x0 < extent.x0 and extent.x1 < box.x1 and box.y0 < extent.y0 and extent.y1 < box.y1, text


def test_text_stays_at_least_7_points_when_the_map_is_printed_on_a4(drawn):
    _, live = drawn
    renderer = live.canvas.get_renderer()
    printed = live.figure.get_tightbbox(renderer).width + 2 * mpl.rcParams["savefig.pad_inches"]
    shrink = min(1.0, A4_PRINT_WIDTH / printed)
    sizes = [text.get_fontsize() for text in live.figure.findobj(lambda artist: hasattr(artist, "get_fontsize"))
             if hasattr(text, "get_text") and text.get_text().strip() and text.get_visible()]
    assert min(sizes) * shrink >= MIN_PRINT_POINTS


def test_alt_text_names_the_best_path_in_order_every_ending_fact_and_arrow(drawn):
    case, live = drawn
    alt = live.alt_text
    path = " → ".join(node.title for node in cases.concordant_path(case))
    assert f"Best path (thick solid arrows): {path}." in alt
    for fact in case.facts():
        assert f"{fact} (set at " in alt
    for node in case.nodes.values():
        if node.is_ending:
            assert f"{node.title} ({node.outcome} ending)" in alt
        else:
            assert f"{node.title}: {len(node.choices)} choices (" in alt
    for edge in case_maps.edges(case):
        assert f"{edge.count} {edge.grade} to {case.nodes[edge.target].title}" in alt


def test_a_map_is_found_by_case_id_and_an_unknown_id_is_refused_with_the_ids():
    live = case_maps.case_map_figure("warehouse")
    assert "'The warehouse worker'" in live.alt_text
    with pytest.raises(ValueError, match=r"case_id must be one of .*warehouse.*; got 'nobody'"):
        case_maps.case_map_figure("nobody")


def test_a_step_box_names_the_facts_it_sets_and_reads():
    case = fixture_case()
    assert case_maps.box_title(case.node("rule")).endswith("+promised")
    assert case_maps.box_title(case.node("recovered")).endswith("?promised")
    assert case_maps.facts_read(case.node("good-ending")) == ("promised",)
    assert "\n" not in case_maps.box_title(case.node("risk"))


def test_two_grades_leading_to_one_node_are_two_arrows_apart():
    case = cases.load("progressing-leg")
    with mpl.rc_context(style.rc_params(presenter=False)):
        live = case_maps.case_map(case)
    arrows = _arrows(live)
    unhelpful = arrows["plan", "second-visit", "unhelpful"].get_path().vertices
    acceptable = arrows["plan", "second-visit", "acceptable"].get_path().vertices
    assert abs(unhelpful[0][0] - acceptable[0][0]) > 0.05
    live.figure.clf()
