"""Notebook 03's fit widget: the button gives the fit's estimates, drawn and printed; bad input gets a message."""

import io

import numpy as np
import pytest
from PIL import Image

from spinelab.course import quiz
from spinelab.multifidus import recovery
from spinelab.multifidus.recovery_fit import RecoveryFit

#: The exercise's synthetic data set (notebook 03's Practice; the fit-recovery prompt).
WEEKS = np.repeat([0.0, 1.0, 2.0, 4.0, 6.0, 10.0], 3)
TRUTH = recovery.RecoveryParameters(asymptote=96.0, start=78.0, time_constant=2.5, status="synthetic")
SIZES = recovery.synthetic_measurements(TRUTH, WEEKS, noise_sd=3.0, seed=7)


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def test_the_fit_button_draws_the_fitted_curve_and_prints_the_estimates_near_the_truth():
    widget = RecoveryFit(WEEKS, SIZES, TRUTH)
    before = _pixels(widget.live.png())
    assert widget.result is None and not widget.fitted_curve.get_visible() and widget.fit_readout.value == ""
    widget.fit_button.click()
    result = widget.result
    assert result is not None and result.parameters.status == "synthetic"
    expected = recovery.fit(WEEKS, SIZES, status="synthetic")
    assert result.summary() == expected.summary() and result.summary() in widget.fit_readout.value
    # Each estimate lies within three standard errors of the curve the measurements were made from.
    for estimate, error, true in zip((result.parameters.asymptote, result.parameters.start,
                                      result.parameters.time_constant), result.standard_errors,
                                     (TRUTH.asymptote, TRUTH.start, TRUTH.time_constant), strict=True):
        assert error > 0.0 and abs(estimate - true) < 3.0 * error
    # The time constant is the least certain relative to its size, as the exercise's solution says.
    relative = np.divide(result.standard_errors, (result.parameters.asymptote, result.parameters.start,
                                                  result.parameters.time_constant))
    assert np.argmax(relative) == 2
    assert "asymptote 96 %, start 78 %, time constant 2.5 weeks" in widget.fit_readout.value
    assert widget.fitted_curve.get_visible()
    np.testing.assert_allclose(widget.fitted_curve.get_ydata(), result.parameters.size(widget.grid))
    assert not np.array_equal(_pixels(widget.live.png()), before)


def test_the_sliders_move_their_curve_and_its_residual_sd_never_beats_the_fit():
    widget = RecoveryFit(WEEKS, SIZES, TRUTH)
    curve, before = widget.slider_curve, _pixels(widget.live.png())
    widget.asymptote.value, widget.start.value, widget.time_constant.value = 97.0, 78.0, 2.8
    assert widget.slider_curve is curve and curve in widget.live.dynamic_artists
    np.testing.assert_allclose(curve.get_ydata(), recovery.size(widget.grid, 97.0, 78.0, 2.8))
    spread = recovery.residual_sd(WEEKS, SIZES, widget.slider_parameters())
    assert f"residual SD {spread:.1f} %" in widget.slider_readout.value
    assert not np.array_equal(_pixels(widget.live.png()), before)
    fitted = widget.fit()
    assert fitted is not None and fitted.residual_sd <= spread
    # A higher asymptote with a slower rise fits almost as well: the two trade off.
    assert spread - fitted.residual_sd < 0.5


def test_residual_sd_is_the_fits_own():
    result = recovery.fit(WEEKS, SIZES)
    assert recovery.residual_sd(WEEKS, SIZES, result.parameters) == pytest.approx(result.residual_sd)
    assert recovery.residual_sd(WEEKS, TRUTH.size(WEEKS), TRUTH) == pytest.approx(0.0)
    with pytest.raises(ValueError, match="sizes must have the same length as weeks"):
        recovery.residual_sd(WEEKS, SIZES[:-1], TRUTH)


def test_the_points_are_labelled_synthetic_not_patient_data():
    widget = RecoveryFit(WEEKS, SIZES, TRUTH)
    labels = [text.get_text() for text in widget.live.axes[0].get_legend().get_texts()]
    assert any("synthetic" in label and "not patient data" in label for label in labels)
    assert "not patient data" in widget.view.text and widget.view.text.startswith("[Interactive figure]")
    np.testing.assert_array_equal(widget.points.get_ydata(), SIZES)


def test_a_failed_fit_gives_a_message_not_a_traceback(monkeypatch):
    widget = RecoveryFit(WEEKS, SIZES, TRUTH)

    def no_fit(*_args, **_kwargs):
        raise RuntimeError("Optimal parameters not found")

    monkeypatch.setattr(recovery, "fit", no_fit)
    widget.fit_button.click()
    assert widget.result is None and not widget.fitted_curve.get_visible()
    assert "Optimal parameters not found" in widget.fit_readout.value


@pytest.mark.parametrize(("arguments", "message"), [
    ((WEEKS, SIZES[:-1], TRUTH), "sizes must have the same length as weeks"),
    ((WEEKS, SIZES + 200.0, TRUTH), "sizes must be finite"),
    ((-WEEKS - 1.0, SIZES, TRUTH), "weeks must be finite"),
    ((WEEKS, SIZES, recovery.GROUPS["control"]), "truth must be RecoveryParameters with status 'synthetic'"),
])
def test_bad_data_is_refused_naming_the_parameter(arguments, message):
    with pytest.raises(ValueError, match=message):
        RecoveryFit(*arguments)


def test_the_exercise_solution_gives_the_numbers_the_widget_prints():
    solution = quiz.load("03_multifidus_research").exercise("fit-recovery").solution
    widget = RecoveryFit(WEEKS, SIZES, TRUTH)
    assert widget.fit().summary() in solution
    widget.asymptote.value, widget.start.value, widget.time_constant.value = 97.0, 78.0, 2.8
    spread = recovery.residual_sd(WEEKS, SIZES, widget.slider_parameters())
    assert "asymptote 97 %, start 78 % and time constant 2.8 weeks give a residual SD of " \
           f"{spread:.1f} %, against the fit's {widget.result.residual_sd:.1f} %" in solution
