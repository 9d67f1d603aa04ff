import pytest

from spinelab.course import references
from spinelab.guarding import guarding_figures, pain_theories


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


def test_panel_and_handout_figure():
    bundle = guarding_figures.GuardingExplorer().panel()._repr_mimebundle_()
    assert bundle["text/plain"].startswith("[Interactive figure] Guarding model")
    assert guarding_figures.explorer_figure().png().startswith(b"\x89PNG")


def test_theories_predictions_follow_their_sources():
    spasm, adaptation, redistribution = pain_theories.THEORIES
    assert spasm.predictions == {"agonist": 1, "antagonist": 1}
    assert adaptation.predictions["agonist"] == -1 and adaptation.predictions["antagonist"] > 0
    assert set(redistribution.predictions.values()) == {None}
    assert "lund1991" in adaptation.keys and redistribution.keys == ("hodgestucker2011",)
    assert pain_theories.EVIDENCE_VERDICT.startswith("Neither of the two models is unequivocally supported")
    for key in pain_theories.citation_keys():
        references.get(key)
    with pytest.raises(ValueError, match="predictions must cover exactly"):
        pain_theories.Theory("x", "x", {"agonist": 1}, ())


def test_theories_figure_is_static_with_alt_text():
    panel = guarding_figures.theories_panel()
    assert not panel.figure.dynamic_artists
    assert panel.figure.png().startswith(b"\x89PNG")
    assert "Pain adaptation: the agonist decreases" in panel.figure.alt_text


def test_notebook_quotes_the_review_verdict_word_for_word():
    import json
    from pathlib import Path

    notebook = Path(__file__).resolve().parents[1] / "notebooks" / "02_protective_guarding.ipynb"
    text = " ".join("".join(cell["source"]) for cell in json.loads(notebook.read_text())["cells"]).replace("\n", " ")
    assert pain_theories.EVIDENCE_VERDICT in text
