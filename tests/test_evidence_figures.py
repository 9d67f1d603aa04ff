import pytest

from spinelab.multifidus import evidence_figures as ef
from spinelab.multifidus import studies


def _points(ax):
    # Data markers, not the caps of the error bars.
    return [line for line in ax.get_lines() if line.get_linestyle() == "None" and line.get_marker() not in "|_"]


def test_prognosis_panel_plots_the_pooled_means_with_their_intervals():
    panel = ef.prognosis_panel()
    ax = panel.figure.axes[0]
    plotted = {tuple(line.get_ydata()) for line in _points(ax)}
    assert plotted == {(52, 23, 12, 6), (51, 33, 26, 23)}
    weeks = {tuple(line.get_xdata()) for line in _points(ax)}
    assert weeks == {(0, 6, 26, 52)}
    # Error bars run from each reported lower limit to the upper one.
    lower = sorted(round(min(seg[:, 1]), 6) for coll in ax.collections for seg in coll.get_segments())
    assert lower == sorted(v.ci[0] for v in studies.values("menezescosta2012"))
    assert "interpolation" in " ".join(text.get_text() for text in ax.texts)
    assert "Menezes Costa et al. 2012" in panel.figure.alt_text and "23 at week 6" in panel.figure.alt_text
    assert "not one patient's course" in panel.caption.value


def test_prognosis_summary_is_built_from_the_data_and_says_it_describes_groups():
    text = ef.prognosis_summary()
    assert text._repr_markdown_() == text
    assert "from 52 to 23 of 100 in the first six weeks" in text and "6 at one year" in text
    assert "from 51 to 23 at one year" in text and "cannot say how one person will do" in text


def test_recurrence_panel_shows_reported_values_only():
    panel = ef.recurrence_panel()
    trial_ax, cohort_ax, review_ax = panel.figure.axes
    trial = sorted(line.get_ydata()[0] for line in _points(trial_ax))
    assert trial == [30, 35, 75, 84]
    assert not [line for line in trial_ax.get_lines() if line.get_linestyle() != "None"]  # no curve joins them
    assert sorted(line.get_xdata()[0] for line in _points(cohort_ax)) == [40, 41, 69]
    assert sorted(line.get_xdata()[0] for line in _points(review_ax)) == [0.5, 0.75]
    assert "96" not in panel.figure.alt_text and "cluster" not in panel.figure.alt_text
    assert "0.75 (95 % CI 0.53–1.07) at 2–5 years" in panel.figure.alt_text


def test_unknown_cohort_is_refused():
    with pytest.raises(ValueError, match="cohort must be one of"):
        ef.pain_course("chronic")


def test_recurrence_effects_state_arr_and_nnt_at_each_follow_up():
    lines = ef.recurrence_effects().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("1 year after treatment: recurrence 84% (control) vs 30% (specific exercise)")
    assert all("NNT = " in line and "an uncertain estimate" in line for line in lines)


def _points(ax):
    # Data markers, not the caps of the error bars.
    return [line for line in ax.get_lines() if line.get_linestyle() == "None" and line.get_marker() not in "|_"]


def test_cohort_recurrence_panel_plots_each_reported_proportion_with_its_interval():
    panel = ef.cohort_recurrence_panel()
    ax = panel.figure.axes[0]
    assert sorted(line.get_xdata()[0] for line in _points(ax)) == [40, 41, 69]
    # Each error bar runs from the reported lower limit to the upper one.
    limits = sorted((round(min(seg[:, 0]), 6), round(max(seg[:, 0]), 6))
                    for coll in ax.collections for seg in coll.get_segments())
    assert limits == [(33, 46), (34, 46), (62, 74)]
    assert "69 % (95 % CI 62–74)" in panel.figure.alt_text and "250 people" in panel.figure.alt_text
    assert "not one patient's future" in panel.caption.value


def test_the_review_panel_draws_rate_ratios_only_not_the_hazard_ratio():
    from spinelab.multifidus import evidence_figures, studies
    assert studies.value("choi2010_time_to_recurrence_2to5y").unit == "hazard ratio"
    drawn = [item.id for item in evidence_figures._rate_ratios()]
    assert drawn == ["choi2010_rate_ratio_1y", "choi2010_rate_ratio_2to5y"]
    assert "0.28" not in evidence_figures._recurrence_alt_text()
