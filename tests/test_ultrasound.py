"""Ultrasound measurement: shoelace areas, asymmetry, bad input, simulated cases and the trainer driven by clicks."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinelab.course.a11y import plain_text
from spinelab.course.marks import mark_svg
from spinelab.multifidus import ultrasound
from spinelab.multifidus.ultrasound_trainer import UltrasoundTrainer, handout_figure, spread_summary


def circle(radius, n=400, centre=(5.0, 3.0)):
    angle = np.linspace(0, 2 * np.pi, n, endpoint=False)
    return np.column_stack([centre[0] + radius * np.cos(angle), centre[1] + radius * np.sin(angle)])


# ---------------------------------------------------------------- geometry
def test_shoelace_matches_analytic_areas_within_two_percent():
    assert ultrasound.polygon_area([(0, 0), (4, 0), (4, 3), (0, 3)]) == pytest.approx(12.0)
    assert ultrasound.polygon_area([(0, 0), (4, 0), (0, 3)]) == pytest.approx(6.0)
    assert ultrasound.polygon_area(circle(1.5)) == pytest.approx(math.pi * 1.5 ** 2, rel=0.02)
    ellipse = ultrasound.ellipse_outline(5, 3, 2.0, 1.0, vertices=200)
    assert ultrasound.polygon_area(ellipse) == pytest.approx(math.pi * 2.0, rel=0.02)


@given(st.floats(0.1, 5.0), st.floats(0.1, 5.0), st.booleans())
def test_shoelace_of_any_rectangle_in_either_direction(width, height, clockwise):
    points = [(0, 0), (width, 0), (width, height), (0, height)]
    assert ultrasound.polygon_area(points[::-1] if clockwise else points) == pytest.approx(width * height)


def test_area_in_cm2_uses_the_square_of_the_scale():
    square = [(0, 0), (100, 0), (100, 100), (0, 100)]
    assert ultrasound.area_cm2(square, 0.04) == pytest.approx(16.0)


def test_asymmetry_is_a_percentage_of_the_larger_side():
    assert ultrasound.asymmetry_percent(4.0, 5.0) == pytest.approx(20.0)
    assert ultrasound.asymmetry_percent(5.0, 4.0) == pytest.approx(20.0)
    assert ultrasound.asymmetry_percent(3.0, 3.0) == 0.0


def test_self_intersection():
    assert ultrasound.self_intersects([(0, 0), (2, 2), (2, 0), (0, 2)])  # a bow tie
    assert not ultrasound.self_intersects([(0, 0), (2, 0), (2, 2), (0, 2)])
    assert not ultrasound.self_intersects(circle(1.0, n=40))


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize(("call", "name"), [
    (lambda: ultrasound.polygon_area([(0, 0), (1, 1)]), "points"),
    (lambda: ultrasound.polygon_area([(0, 0), (1, math.nan), (1, 0)]), "points"),
    (lambda: ultrasound.area_cm2([(0, 0), (1, 0), (1, 1)], 0.0), "cm_per_pixel"),
    (lambda: ultrasound.area_cm2([(0, 0), (1, 0), (1, 1)], -1.0), "cm_per_pixel"),
    (lambda: ultrasound.asymmetry_percent(0.0, 4.0), "left_area"),
    (lambda: ultrasound.asymmetry_percent(4.0, -1.0), "right_area"),
    (lambda: ultrasound.check_outline([(1, 1), (2, 1)], name="left"), "left"),
    (lambda: ultrasound.check_outline([(1, 1), (2, 1), (12, 2)], name="right"), "right"),
    (lambda: ultrasound.check_outline([(1, 1), (3, 3), (3, 1), (1, 3)], name="left"), "left"),
    (lambda: ultrasound.ellipse_outline(5, 3, 0.0, 1.0), "half_width"),
    (lambda: ultrasound.make_case(9, "L3", 1), "level"),
    (lambda: ultrasound.case(99), "number"),
    (lambda: ultrasound.repeat_tracings(ultrasound.case(1), -0.1), "click_error_cm"),
])
def test_bad_input_raises_value_error_naming_the_parameter(call, name):
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        call()


# ---------------------------------------------------------------- simulated cases
def test_cases_are_seeded_and_have_their_built_in_asymmetry():
    for number, (_level, _seed, smaller, reduction) in enumerate(ultrasound.CASE_SPECS, start=1):
        item = ultrasound.case(number)
        assert item.true_asymmetry == pytest.approx(reduction, abs=1e-6)
        if smaller:
            other = "right" if smaller == "left" else "left"
            assert item.true_area(smaller) < item.true_area(other)
        assert not ultrasound.self_intersects(item.left) and not ultrasound.self_intersects(item.right)
    again = ultrasound.make_case(2, *ultrasound.CASE_SPECS[1])
    np.testing.assert_array_equal(again.image(), ultrasound.case(2).image())
    assert ultrasound.case(2).image().shape == (150, 250)


def test_outlines_lie_inside_the_image_and_apart():
    for number in range(1, len(ultrasound.CASE_SPECS) + 1):
        item = ultrasound.case(number)
        assert item.left[:, 0].max() < ultrasound.MIDLINE_CM < item.right[:, 0].min()
        for outline in (item.left, item.right):
            ultrasound.check_outline(outline)


def test_comparing_the_true_outlines_gives_no_error():
    item = ultrasound.case(2)
    result = ultrasound.compare(item, item.left, item.right)
    assert result.error_percent("left") == pytest.approx(0.0, abs=1e-9)
    assert result.asymmetry == pytest.approx(20.0)
    assert not result.error_hides_asymmetry


def test_repeat_tracings_spread_grows_with_click_error():
    item = ultrasound.case(1)
    spreads = [np.std(ultrasound.repeat_tracings(item, error)) for error in (0.05, 0.1, 0.2)]
    assert spreads[0] < spreads[1] < spreads[2]
    assert "Simulation" in spread_summary()


# ---------------------------------------------------------------- the trainer
def _click(trainer, x_cm, depth_cm):
    """A click event as ipyevents sends it: dataX/dataY in pixels of the image, from its top-left corner."""
    px, py = trainer.live.axes[0].transData.transform((x_cm, depth_cm))
    trainer.events._dom_handlers({"event": "click", "type": "click", "dataX": px,
                                  "dataY": trainer.live.figure.bbox.height - py})


def _trace(trainer, side, outline, every=6):
    trainer.side.value = side
    for x, depth in outline[::every]:
        _click(trainer, x, depth)


def test_the_trainer_measures_a_clicked_tracing_and_gives_feedback():
    trainer = UltrasoundTrainer(2)
    assert "SIMULATED" in trainer.view.text and "hidden" in trainer.view.text
    _trace(trainer, "left", trainer.case.left)
    _trace(trainer, "right", trainer.case.right)
    assert len(trainer.points["left"]) == 12
    result = trainer.check()
    assert result is not None
    assert abs(result.error_percent("left")) < 5 and abs(result.error_percent("right")) < 5
    assert "true 20.0 %" in trainer.feedback.value
    assert "Asymmetry: traced" in trainer.view.text


def test_a_poor_tracing_is_told_that_error_hides_the_asymmetry():
    trainer = UltrasoundTrainer(3)  # 8 % asymmetry
    _trace(trainer, "left", trainer.case.left * [1, 1])
    trainer.side.value = "right"
    for x, depth in ultrasound.ellipse_outline(6.9, 2.4, 1.0, 0.8, vertices=8):
        _click(trainer, x, depth)
    result = trainer.check()
    assert result.error_hides_asymmetry
    assert "could not be told from measurement" in trainer.feedback.value


@pytest.mark.parametrize(("setup", "message"), [
    (lambda t: None, "Click at least three points around the edge of the left multifidus to outline it, or fit an "
                     "oval with the sliders and press “Use the oval for this side”. The left side has 0 so far."),
    (lambda t: [_click(t, x, d) for x, d in [(3, 2), (4, 2)]], "The left side has 2 so far."),
    (lambda t: [_click(t, x, d) for x, d in [(2, 1.5), (4, 3.5), (4, 1.5), (2, 3.5)]],
     "The left outline crosses itself: press “Clear this side”"),
])
def test_bad_tracings_give_a_message_not_a_traceback(setup, message):
    trainer = UltrasoundTrainer(1)
    setup(trainer)
    _trace(trainer, "right", trainer.case.right)
    assert trainer.check() is None
    assert message in plain_text(trainer.message.value) and mark_svg("warning") in trainer.message.value
    assert "got" not in trainer.message.value  # the student's words, not the programmer's


def test_a_click_off_the_image_and_a_zero_depth_give_messages():
    trainer = UltrasoundTrainer(1)
    _click(trainer, -1.0, 2.0)
    assert "outside the image" in trainer.message.value and trainer.points["left"] == []
    _trace(trainer, "left", trainer.case.left)
    _trace(trainer, "right", trainer.case.right)
    trainer.depth.value = 0.0
    assert trainer.check() is None
    assert "depth must be more than 0 cm" in trainer.message.value
    trainer.depth.value = trainer.case.depth_cm
    assert trainer.check() is not None


def test_keyboard_users_can_trace_with_sliders():
    trainer = UltrasoundTrainer(2)
    for side, outline in (("left", trainer.case.left), ("right", trainer.case.right)):
        trainer.side.value = side
        centre = outline.mean(axis=0)
        half = (outline.max(axis=0) - outline.min(axis=0)) / 2
        trainer.sliders["centre_x"].value, trainer.sliders["centre_depth"].value = centre
        trainer.sliders["half_width"].value, trainer.sliders["half_height"].value = half
        trainer.use_sliders()
    result = trainer.check()
    assert result is not None and abs(result.error_percent("left")) < 15
    trainer.undo()
    assert len(trainer.points["right"]) == 23
    trainer.clear()
    assert trainer.points["right"] == []


def test_handout_figure_is_labelled_simulated():
    live = handout_figure()
    assert "SIMULATED" in live.alt_text and live.png().startswith(b"\x89PNG")


def test_a_scaled_outline_changes_the_area_by_the_factor_and_errors_can_hide_an_asymmetry():
    case = ultrasound.case(2)
    grown = ultrasound.scaled_outline(case.left, 1.10)
    assert ultrasound.polygon_area(grown) == pytest.approx(1.10 * ultrasound.polygon_area(case.left))
    result = ultrasound.compare(case, grown, ultrasound.scaled_outline(case.right, 0.90))
    assert result.asymmetry < 5.0 < case.true_asymmetry  # ±10 % in opposite directions all but hides 20 %
    with pytest.raises(ValueError, match="factor"):
        ultrasound.scaled_outline(case.left, 0.0)


def test_the_oval_sliders_draw_their_oval_as_they_move():
    trainer = UltrasoundTrainer()
    before = trainer.live.png()
    trainer.sliders["half_width"].value = 1.5
    assert len(trainer.preview.get_xdata()) > 3 and trainer.live.png() != before
    assert trainer.points == {"left": [], "right": []}  # only "Use the oval" makes it the outline
