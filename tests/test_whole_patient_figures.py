"""Notebook 05's imaging figure: the points drawn are the data file's prevalences, and the alt text states each."""

import pytest

from spinelab.clinic import whole_patient_figures as wpf
from spinelab.clinic import yellow_flags


@pytest.fixture(scope="module")
def panel():
    return wpf.imaging_panel()


def _points(ax):
    return {line.get_label(): line for line in ax.get_lines() if line.get_linestyle() == "None"}


def test_each_age_is_one_series_of_points_at_the_reported_prevalences(panel):
    ax = panel.figure.axes[0]
    findings = yellow_flags.imaging_findings()
    points = _points(ax)
    assert list(points) == ["at 20 years", "at 80 years"]
    assert list(points["at 20 years"].get_xdata()) == [item.at_20 for item in findings]
    assert list(points["at 80 years"].get_xdata()) == [item.at_80 for item in findings]
    assert [tick.get_text() for tick in ax.get_yticklabels()] == [item.finding for item in findings]
    # The two ages differ by marker as well as by colour.
    assert points["at 20 years"].get_marker() != points["at 80 years"].get_marker()
    assert points["at 20 years"].get_color() != points["at 80 years"].get_color()


def test_a_line_joins_the_two_values_of_each_finding_and_each_value_is_written_beside_its_point(panel):
    ax = panel.figure.axes[0]
    findings = yellow_flags.imaging_findings()
    joins = [line for line in ax.get_lines() if line.get_linestyle() != "None"]
    assert [tuple(line.get_xdata()) for line in joins] == [(item.at_20, item.at_80) for item in findings]
    assert [tuple(line.get_ydata()) for line in joins] == [(row, row) for row in range(len(findings))]
    labels = sorted((text.xy[1], text.xy[0], text.get_text()) for text in ax.texts)
    expected = sorted((row, value, f"{value} %") for row, item in enumerate(findings)
                      for value in (item.at_20, item.at_80))
    assert labels == expected


def test_alt_text_and_caption_name_every_value_the_population_and_the_source(panel):
    alt = panel.figure.alt_text
    for item in yellow_flags.imaging_findings():
        assert f"{item.finding} {item.at_20} % at 20 and {item.at_80} % at 80" in alt
    assert "3110 people without back pain in 33 studies" in alt and "(Brinjikji et al. 2015)" in alt
    assert "Brinjikji et al. 2015" in panel.caption.value
    legend = panel.figure.axes[0].get_legend()
    assert legend.get_title().get_text() == "data: Brinjikji et al. 2015"


def test_prevalence_refuses_an_age_the_review_did_not_report():
    finding = yellow_flags.imaging_findings()[0]
    assert wpf.prevalence(finding, 80) == finding.at_80
    with pytest.raises(ValueError, match=r"age must be one of 20, 80; got 50"):
        wpf.prevalence(finding, 50)


@pytest.fixture(scope="module")
def whole():
    return wpf.whole_patient_panel()


def test_the_core_figure_draws_each_predictor_at_its_median_with_its_range_on_a_log_scale(whole):
    ax = whole.figure.axes[0]
    predictors = yellow_flags.data().predictors
    assert ax.get_xscale() == "log"
    assert [tick.get_text() for tick in ax.get_yticklabels()] == [item.name for item in predictors]
    medians = [line for line in ax.get_lines() if line.get_linestyle() == "None"]
    assert [line.get_xdata()[0] for line in medians] == [item.median for item in predictors]
    ranges = [tuple(line.get_xdata()) for line in ax.get_lines()
              if line.get_linestyle() == "-" and len(set(line.get_xdata())) == 2]
    assert ranges == [(float(item.low), float(item.high)) for item in predictors]
    # Towards recovery (below 1) and towards persistent pain differ by marker as well as colour.
    markers = [(line.get_marker(), item.predicts == "recovery") for line, item in zip(medians, predictors, strict=True)]
    recovery = {marker for marker, towards_recovery in markers if towards_recovery}
    worse = {marker for marker, towards_recovery in markers if not towards_recovery}
    assert len(recovery) == len(worse) == 1 and recovery != worse


def test_the_core_figure_keeps_the_imaging_panel_and_its_alt_text_states_every_value(whole):
    assert len(whole.figure.axes) == 2
    imaging = whole.figure.axes[1]
    assert [tick.get_text() for tick in imaging.get_yticklabels()] == [
        item.finding for item in yellow_flags.imaging_findings()]
    alt = whole.figure.alt_text
    for item in yellow_flags.data().predictors:
        assert f"{item.name}: median {item.median_lr} (range {item.low} to {item.high})" in alt
    for item in yellow_flags.imaging_findings():
        assert f"{item.finding} {item.at_20} % at 20 and {item.at_80} % at 80" in alt
    assert "(Chou & Shekelle 2010)" in alt and "(Brinjikji et al. 2015)" in whole.caption.value
