import io

import numpy as np
import pytest
from PIL import Image

from spinelab.multifidus import multifidus_figures as figures
from spinelab.multifidus import recovery, studies


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def test_predict_then_reveal_starts_without_a_prediction_and_needs_one_before_the_reveal():
    demo = figures.PredictThenReveal()
    figure, curves = demo.live.figure, dict(demo.curves)
    assert demo.prediction.value is None and demo.reveal_button.disabled
    assert not demo.revealed and not any(line.get_visible() for line in curves.values())
    assert "Choose your prediction" in demo.feedback.value
    assert demo.reveal() is False and not demo.revealed  # pressing Reveal by code without a prediction does nothing
    before = demo.live.png()
    demo.predict("recovered")
    assert not demo.reveal_button.disabled and "press <b>Reveal</b>" in demo.feedback.value
    demo.reveal_button.click()
    assert demo.revealed and all(line.get_visible() for line in curves.values())
    assert demo.live.png() != before
    assert demo.prediction.disabled and demo.reveal_button.disabled  # the prediction is locked
    assert "The trial found the opposite" in demo.feedback.value
    assert demo.live.figure is figure and demo.curves == curves


@pytest.mark.parametrize(("prediction", "verdict"), [
    ("recovered", "The trial found the opposite"),
    ("partly", "cannot be read from the abstract"),
    ("not recovered", "That matches what was reported"),
])
def test_the_feedback_compares_the_prediction_with_what_was_reported(prediction, verdict):
    feedback = figures.PredictThenReveal.feedback_for(prediction)
    assert verdict in feedback and "Hides et al. 1996" in feedback
    assert "did not recover spontaneously" in feedback and "more rapid and more complete" in feedback
    assert f"P = {studies.value('hides1996_group_difference_p').value:g}" in feedback and "P = 0.0001" in feedback
    assert "no size is shown as data" in feedback and "%" not in feedback  # never an invented size


def test_every_prediction_choice_is_offered_and_unknown_ones_are_refused():
    demo = figures.PredictThenReveal()
    assert [key for _, key in demo.prediction.options] == list(figures.PREDICTIONS)
    with pytest.raises(ValueError, match="prediction must be one of"):
        demo.predict("80 %")
    with pytest.raises(ValueError, match="prediction must be one of"):
        figures.PredictThenReveal.feedback_for("80")


def test_every_size_axis_says_its_scale_is_illustrative():
    for axes in (figures.PredictThenReveal().live.axes[0], figures.TreatmentExplorer().live.axes[0]):
        assert axes.get_ylabel() == recovery.SIZE_AXIS_LABEL and "illustrative" in axes.get_ylabel()


def test_treatment_sliders_update_the_existing_artists():
    explorer = figures.TreatmentExplorer()
    figure, plan_size = explorer.live.figure, explorer.plan_size
    first_state, first_png = explorer.state(), _pixels(explorer.live.png())
    assert first_state["recovery_achieved"] == pytest.approx(1.0)
    explorer.start.value = 6
    explorer.adherence.value = 50
    state = explorer.state()
    assert explorer.live.figure is figure and explorer.plan_size is plan_size
    assert plan_size in explorer.live.dynamic_artists
    np.testing.assert_allclose(plan_size.get_ydata(), recovery.predict(figures.WEEKS, 6.0, 0.5))
    assert state["recovery_achieved"] < first_state["recovery_achieved"]
    assert not np.array_equal(_pixels(explorer.live.png()), first_png)
    assert "Model, not data" in explorer.readout.value and "invented scale, not data" in explorer.readout.value
    assert explorer.describe().startswith("Illustrative model (invented scale, not data): by week 10")
    assert f"{state['recovery_achieved']:.0%} of the way" in explorer.describe()
    assert "recurrence" not in explorer.describe()


def test_group_checkboxes_hide_and_show_a_group():
    explorer = figures.TreatmentExplorer()
    before = explorer.live.png()
    explorer.groups["control"].value = False
    assert not explorer.group_lines["control"].get_visible()
    assert explorer.group_lines["specific exercise"].get_visible()
    assert explorer.live.png() != before
    explorer.groups["control"].value = True
    assert explorer.group_lines["control"].get_visible()


def test_the_recovery_panel_plots_no_invented_points_and_the_pain_panel_plots_data():
    # The abstract reports no per-group sizes: the muscle panel has no points at all, before or after the reveal.
    demo = figures.PredictThenReveal()
    size_ax, pain_ax = demo.live.axes
    demo.predict("not recovered")
    demo.reveal()
    assert [line for line in size_ax.get_lines() if line.get_linestyle() == "None"] == []
    # The pain panel shows the pooled acute-cohort means (Menezes Costa et al. 2012), not an invented curve.
    acute = [studies.value(f"menezescosta2012_pain_acute_week{week}").value for week in (0, 6, 26, 52)]
    points = [line for line in pain_ax.get_lines() if line.get_linestyle() == "None" and line.get_marker() not in "|_"]
    assert [list(line.get_ydata()) for line in points] == [acute]
    assert "Menezes Costa" in demo.live.alt_text


def test_handout_figures_build():
    for build in (figures.predict_reveal_figure, figures.treatment_explorer_figure):
        live = build()
        assert live.png().startswith(b"\x89PNG") and len(live.alt_text) > 100


def test_explorers_display_themselves_with_alt_text():
    bundle = figures.TreatmentExplorer()._repr_mimebundle_()
    assert bundle["text/plain"].startswith("[Interactive figure] Modelled multifidus size")
    reveal = figures.PredictThenReveal()._repr_mimebundle_()
    assert reveal["text/plain"].startswith("[Interactive figure] Left: multifidus size on the painful side")


@pytest.mark.filterwarnings("error")
def test_figures_lay_out_in_presenter_style_without_warnings():
    from spinelab.course import style

    style.use(presenter=True)
    try:
        for build in (figures.predict_reveal_figure, figures.treatment_explorer_figure):
            assert build().png().startswith(b"\x89PNG")
    finally:
        style.use(presenter=False)


def test_the_predict_then_reveal_description_names_the_finding_only_after_the_reveal():
    demo = figures.PredictThenReveal()
    before = [demo.live.alt_text, demo.view.caption.value, demo._repr_mimebundle_()["text/plain"]]
    for text in before:
        assert "after you press Reveal" in text.replace("After", "after") and "stays below" not in text
    demo.predict("partly")
    demo.reveal()
    after = [demo.live.alt_text, demo.view.caption.value, demo.view.text]
    for text in after:
        assert "the control group stays below it" in text and "Menezes Costa" in text
