import io

import numpy as np
import pytest
from PIL import Image

from spinelab import multifidus_figures as figures
from spinelab import recovery, recurrence, studies


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def test_predict_then_reveal_hides_the_finding_until_reveal_and_gives_feedback():
    demo = figures.PredictThenReveal(guess=80)
    figure, curves = demo.live.figure, dict(demo.curves)
    assert not demo.revealed and not any(line.get_visible() for line in curves.values())
    before = demo.live.png()
    demo.guess.value = 100
    assert demo.live.png() != before
    assert demo.guess_marker.get_ydata()[0] == 100
    assert "Reveal" in demo.feedback.value
    demo.reveal_button.click()
    assert demo.revealed and all(line.get_visible() for line in curves.values())
    assert "The trial found the opposite" in demo.feedback.value
    demo.guess.value = 85
    assert "matches the reported finding" in demo.feedback.value
    assert "no number is shown" in demo.feedback.value and "went on wasting" not in demo.feedback.value
    assert demo.live.figure is figure and demo.curves == curves


def test_a_guess_below_the_illustrative_start_is_told_it_means_further_wasting():
    start = recovery.GROUPS["control"].start
    below = figures.PredictThenReveal.feedback_for(start - 20)
    assert "matches the reported finding" in below and "went on wasting" in below and "invented too" in below
    assert f"({start:.0f} %)" in below
    assert "went on wasting" not in figures.PredictThenReveal.feedback_for(start)


def test_every_size_axis_says_its_scale_is_illustrative():
    for axes in (figures.PredictThenReveal().live.axes[0], figures.TreatmentExplorer().live.axes[0]):
        assert axes.get_ylabel() == recovery.SIZE_AXIS_LABEL and "illustrative" in axes.get_ylabel()


def test_treatment_sliders_update_the_existing_artists():
    explorer = figures.TreatmentExplorer()
    figure, plan_size, plan_recurrence = explorer.live.figure, explorer.plan_size, explorer.plan_recurrence
    first_state, first_png = explorer.state(), _pixels(explorer.live.png())
    assert first_state["recovery_achieved"] == pytest.approx(1.0)
    explorer.start.value = 6
    explorer.adherence.value = 50
    state = explorer.state()
    assert explorer.live.figure is figure
    assert explorer.plan_size is plan_size and explorer.plan_recurrence is plan_recurrence
    assert plan_size in explorer.live.dynamic_artists and plan_recurrence in explorer.live.dynamic_artists
    np.testing.assert_allclose(plan_size.get_ydata(), recovery.predict(figures.WEEKS, 6.0, 0.5))
    np.testing.assert_allclose(plan_recurrence.get_ydata(),
                               recurrence.cumulative(figures.YEARS, state["recovery_achieved"]))
    assert state["recurrence_1y"] > first_state["recurrence_1y"]
    assert not np.array_equal(_pixels(explorer.live.png()), first_png)
    assert "Model, not data" in explorer.readout.value and "invented scale, not data" in explorer.readout.value
    assert explorer.describe().startswith("Illustrative model (invented scale, not data): by week 10")
    assert f"{state['recovery_achieved']:.0%} of the way" in explorer.describe()


def test_group_checkboxes_hide_and_show_a_group():
    for figure in (figures.TreatmentExplorer(), figures.RecurrencePlot()):
        artists = figure.group_artists if hasattr(figure, "group_artists") else figure.artists
        before = figure.live.png()
        figure.groups["control"].value = False
        assert not any(artist.get_visible() for artist in artists["control"])
        assert all(artist.get_visible() for artist in artists["specific exercise"])
        assert figure.live.png() != before
        figure.groups["control"].value = True
        assert all(artist.get_visible() for artist in artists["control"])


def test_every_plotted_data_point_traces_to_a_resolving_citation():
    plot = figures.RecurrencePlot()
    reported = {(v.period[1], v.proportion) for g in studies.GROUPS for v in studies.reported_recurrence(g)}
    markers = [line for ax in plot.live.axes for line in ax.get_lines() if line.get_linestyle() == "None"]
    assert len(markers) == 6  # two groups: year-1 points on the left, two periods on the right
    left = [(line.get_xdata()[0], line.get_ydata()[0]) for line in plot.live.axes[0].get_lines()
            if line.get_linestyle() == "None"]
    assert set(left) <= reported
    right = sorted(round(line.get_ydata()[0], 6) for line in plot.live.axes[1].get_lines()
                   if line.get_linestyle() == "None")
    assert right == sorted(round(v.proportion, 6) for g in studies.GROUPS for v in studies.reported_recurrence(g))
    for group in studies.GROUPS:
        for value in studies.reported_recurrence(group):
            assert value.provenance().startswith("(Hides et al. 2001)")


def test_the_recovery_figures_plot_no_data_points():
    # Per-group sizes were not available: only the guess marker is a point, and it is the student's.
    demo = figures.PredictThenReveal()
    points = [line for ax in demo.live.axes for line in ax.get_lines() if line.get_linestyle() == "None"]
    assert points == [demo.guess_marker]


def test_recurrence_readout_and_handout_figures():
    html = figures.RecurrencePlot.effects_html()
    assert "ARR = 0.54, NNT = 2" in html and "ARR = 0.40, NNT = 3" in html and "No confidence interval" in html
    for build in (figures.predict_reveal_figure, figures.recurrence_figure, figures.treatment_explorer_figure):
        live = build()
        assert live.png().startswith(b"\x89PNG") and len(live.alt_text) > 100


def test_panels_show_alt_text():
    bundle = figures.TreatmentExplorer().panel()._repr_mimebundle_()
    assert bundle["text/plain"].startswith("[Interactive figure] Left: modelled multifidus size")


@pytest.mark.filterwarnings("error")
def test_figures_lay_out_in_presenter_style_without_warnings():
    from spinelab import style

    style.use(presenter=True)
    try:
        for build in (figures.predict_reveal_figure, figures.recurrence_figure, figures.treatment_explorer_figure):
            assert build().png().startswith(b"\x89PNG")
    finally:
        style.use(presenter=False)
