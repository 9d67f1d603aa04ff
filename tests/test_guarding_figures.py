import pytest

from spinelab.course import references
from spinelab.guarding import guarding, guarding_figures, pain_theories, treatments
from spinelab.guarding.guarding import GuardingParams


def test_moving_loop_gain_across_threshold_changes_the_end_state_shown():
    explorer = guarding_figures.GuardingExplorer()
    explorer.loop_gain.value = 0.30
    assert explorer.end_guarding < 0.005
    assert "Guarding on day 120: <b>0%</b>" in explorer.readout.value and "below it" in explorer.readout.value
    explorer.loop_gain.value = 0.50
    assert explorer.end_guarding == pytest.approx(0.2, abs=0.005)
    assert "Guarding on day 120: <b>20%</b>" in explorer.readout.value and "above it" in explorer.readout.value


def test_slider_moves_update_existing_artists_without_rendering_again(monkeypatch):
    explorer = guarding_figures.GuardingExplorer()
    # Choosing a treatment (a dropdown) changes the legends, which are static: that redraws the background.
    explorer.treatment.value = "dry needling"
    figure, line, before = explorer.live.figure, explorer.guard_line, explorer.live.png()
    n_lines = [len(ax.lines) for ax in explorer.live.axes]

    def no_render():
        raise AssertionError("a slider move must refresh, not render")

    monkeypatch.setattr(explorer.live, "render", no_render)
    explorer.loop_gain.value = 0.7
    explorer.start_day.value = 30
    explorer.treatment.value = "manual therapy"
    assert explorer.live.figure is figure and explorer.guard_line is line
    assert line in explorer.live.dynamic_artists
    assert [len(ax.lines) for ax in explorer.live.axes] == n_lines
    assert explorer.live.png() != before


def test_treatment_shows_start_line_raised_threshold_and_evidence():
    explorer = guarding_figures.GuardingExplorer()
    assert not explorer.start_line.get_visible()
    explorer.treatment.value = "manual therapy"
    assert explorer.start_line.get_visible()
    assert "threshold rises to 0.57" in explorer.readout.value
    assert "Paige et al. 2017" in explorer.evidence.value and "illustrative" in explorer.evidence.value
    explorer.treatment.value = "none"
    assert not explorer.treated_curve.get_visible()


def _listed(explorer):
    return {text.get_text() for pair in explorer.legends for legend in pair if legend.get_visible()
            for text in legend.get_texts()}


def test_legends_list_only_the_artists_that_are_drawn():
    explorer = guarding_figures.GuardingExplorer()
    assert "ILLUSTRATIVE model" in explorer.live.figure.get_suptitle()
    assert not {"with treatment", "treatment starts"} & _listed(explorer)
    explorer.treatment.value = "dry needling"
    assert {"with treatment", "treatment starts", "guarding (% of maximal)"} <= _listed(explorer)
    explorer.treatment.value = "none"
    assert "with treatment" not in _listed(explorer)


def test_explorer_displays_itself_with_the_evidence_under_the_figure_and_handout_figure():
    explorer = guarding_figures.GuardingExplorer()
    bundle = explorer._repr_mimebundle_()
    # The last two: the live region and the accessibility helper.
    assert explorer.view.widget.children[-2:] == (explorer.view.a11y.region, explorer.view.a11y)
    assert explorer.view.widget.children[-3] is explorer.evidence
    assert explorer.view.widget.children[-4] is explorer.view.caption
    assert bundle["text/plain"].startswith("[Interactive figure] Guarding model")
    assert guarding_figures.explorer_figure().png().startswith(b"\x89PNG")


def test_each_theory_is_drawn_as_its_predicted_directions_with_their_words():
    live = guarding_figures.theories_figure()
    for ax, theory in zip(live.axes, pain_theories.THEORIES, strict=True):
        assert ax.get_title() == theory.short_name
        assert [tick.get_text() for tick in ax.get_xticklabels()] == list(pain_theories.ROLES)
        for bar, role in zip(ax.patches, pain_theories.ROLES, strict=True):
            direction = theory.predictions[role]
            if direction is None:  # redistributed: a band from less to more
                assert (bar.get_y(), bar.get_height()) == pytest.approx((-1.0, 2.0))
            else:
                assert (bar.get_y(), bar.get_height()) == pytest.approx((0.0, direction))
        words = [text.get_text() for text in ax.texts]
        assert words == ["up or\ndown" if theory.predictions[role] is None else theory.prediction_text(role)
                         for role in pain_theories.ROLES]


def test_theory_sources_resolve():  # incomplete predictions are refused by the schema: see test_datafile.py
    for key in pain_theories.citation_keys():
        references.get(key)


def test_theories_figure_is_static_with_alt_text():
    panel = guarding_figures.theories_panel()
    assert not panel.figure.dynamic_artists
    assert panel.figure.png().startswith(b"\x89PNG")
    assert "Pain adaptation: the agonist decreases" in panel.figure.alt_text


def test_notebook_quotes_the_review_verdict_word_for_word():
    import json
    from pathlib import Path

    from spinelab.course import datafile

    notebook = Path(__file__).resolve().parents[1] / "notebooks" / "02b_pain_and_muscle_activity.ipynb"
    text = " ".join("".join(cell["source"]) for cell in json.loads(notebook.read_text())["cells"]).replace("\n", " ")
    assert datafile.load("theories")["verdict"]["quote"] in text


def test_threshold_table_shows_the_threshold_then_each_loop_gain():
    lines = guarding_figures.threshold_table((0.3, 0.5)).splitlines()
    assert lines[0] == f"Threshold loop gain g* = 1/k = {guarding.threshold_gain():.2f}"
    assert lines[1] == "Loop gain 0.3: peak guarding 66%, guarding on day 120 0%, long run 0%"
    assert lines[2].startswith("Loop gain 0.5:") and lines[2].endswith("long run 20%")


def test_treatment_timing_table_shows_one_line_per_start_day():
    lines = guarding_figures.treatment_timing_table("gentle motion (stay active)", (7, 40), loop_gain=0.5)
    first, last = lines.splitlines()
    assert first.startswith("Start on day  7: total guarding ") and first.endswith("guarding-days, on day 120 0%")
    later = guarding.simulate(GuardingParams(loop_gain=0.5), treatments.get("gentle motion (stay active)"),
                              start_day=40)
    assert f"total guarding {later.total_guarding:5.1f} guarding-days" in last
