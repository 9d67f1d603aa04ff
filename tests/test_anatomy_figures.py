import io

import numpy as np
import pytest
from matplotlib.colors import to_hex
from PIL import Image

from spinelab.anatomy import muscles
from spinelab.anatomy.anatomy_figures import (
    ATTACHMENT_COLUMNS,
    MuscleLayersExplorer,
    explorer_figure,
    hidden_layers,
    local_global_figure,
    local_global_panel,
    local_global_rows,
    muscle_card,
)
from spinelab.anatomy.muscle_sort import MuscleSorter
from spinelab.course import style
from spinelab.course.marks import mark_svg


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def _face(explorer: MuscleLayersExplorer, muscle_id: str) -> str:
    return to_hex(explorer.artists[muscle_id][0].get_facecolor())


@pytest.fixture(scope="module")
def explorer() -> MuscleLayersExplorer:
    return MuscleLayersExplorer()


@pytest.fixture(autouse=True)
def _reset(explorer):
    yield
    explorer.peel.value, explorer.picker.value, explorer.colour_by.value = "all layers", "multifidus", "layer"


def test_peeling_past_superficial_hides_the_superficial_shapes_only(explorer):
    superficial = [m.id for m in muscles.by_layer("superficial")]
    assert all(a.get_visible() for m in superficial for a in explorer.artists[m])
    before = explorer.live.png()
    explorer.peel.value = "superficial removed"
    assert not any(a.get_visible() for m in superficial for a in explorer.artists[m])
    assert not any(label.get_visible() for m in superficial for label in explorer.labels.get(m, []))
    assert all(a.get_visible() for a in explorer.artists["multifidus"])
    assert all(a.get_visible() for a in explorer.artists["serratus_posterior_inferior"])
    assert explorer.live.png() != before


def test_each_peeling_step_removes_one_more_layer_and_keeps_the_abdominal_wall(explorer):
    explorer.peel.value = "deep removed"
    for muscle_id in explorer.artists:
        expected = muscle_id == "thoracolumbar_fascia" or muscles.get(muscle_id).layer == "abdominal wall"
        assert explorer.is_visible(muscle_id) is expected, muscle_id
    assert hidden_layers("intermediate removed") == ("superficial", "intermediate")
    with pytest.raises(ValueError, match="step must be one of all layers"):
        hidden_layers("everything")


def test_picking_multifidus_shows_its_innervation_and_layer_and_outlines_it(explorer):
    explorer.picker.value = "latissimus_dorsi"
    assert "Thoracodorsal nerve" in explorer.card.value
    explorer.picker.value = "multifidus"
    card = explorer.card.value
    assert "Medial branches of the lumbar dorsal rami" in card
    assert "<th style='text-align:left;vertical-align:top;padding-right:8px'>Layer</th>" in card
    assert "<td style='text-align:left'>deep</td>" in card
    assert "Macintosh et al. 1986" in card
    widths = {a.get_linewidth() for a in explorer.artists["multifidus"] if not hasattr(a, "get_segments")}
    others = {a.get_linewidth() for a in explorer.artists["psoas_major"]}
    assert min(widths) > max(others)


def test_a_peeled_muscle_card_says_so(explorer):
    explorer.peel.value = "superficial removed"
    explorer.picker.value = "trapezius"
    assert "Peeled away at this step" in explorer.card.value
    explorer.picker.value = "thoracolumbar_fascia"
    assert "Thoracolumbar fascia" in explorer.card.value and "Willard et al. 2012" in explorer.card.value


def test_the_local_global_toggle_recolours_by_bergmark_class(explorer):
    assert _face(explorer, "multifidus") == style.LAYER_COLOURS["deep"].lower()
    assert _face(explorer, "rectus_abdominis") == style.LAYER_COLOURS["abdominal wall"].lower()
    before = explorer.live.png()
    explorer.colour_by.value = "Bergmark class"
    assert _face(explorer, "rectus_abdominis") == style.BERGMARK_COLOURS["global"].lower()
    assert _face(explorer, "longissimus_thoracis_thoracic") == style.BERGMARK_COLOURS["global"].lower()
    assert _face(explorer, "multifidus") == style.BERGMARK_COLOURS["local"].lower()
    assert _face(explorer, "trapezius") == style.STRUCTURE_GREY.lower()
    assert explorer.artists["rectus_abdominis"][0].get_hatch() == "////"
    assert explorer.live.png() != before


def test_updates_edit_the_existing_figure_and_artists(explorer):
    figure, artists = explorer.live.figure, [a for group in explorer.artists.values() for a in group]
    frame = _pixels(explorer.live.png())
    explorer.peel.value = "intermediate removed"
    explorer.colour_by.value = "Bergmark class"
    explorer.picker.value = "psoas_major"
    assert explorer.live.figure is figure
    assert [a for group in explorer.artists.values() for a in group] == artists
    assert set(explorer.live.dynamic_artists) >= set(artists)
    assert not np.array_equal(frame, _pixels(explorer.live.png()))


def test_bad_initial_state_is_rejected():
    with pytest.raises(ValueError, match="colour_by must be one of layer"):
        MuscleLayersExplorer(colour_by="rainbow")
    with pytest.raises(ValueError, match="muscle must be one of"):
        MuscleLayersExplorer(muscle="biceps")


def test_static_handout_figure_and_panel():
    live = explorer_figure(peel="superficial removed", colour_by="Bergmark class")
    assert live.png().startswith(b"\x89PNG")
    bundle = MuscleLayersExplorer()._repr_mimebundle_()
    assert bundle["text/plain"].startswith("[Interactive figure] Two schematics, not to scale.")


def test_card_of_a_muscle_lists_every_fact_with_sources():
    card = muscle_card(muscles.get("psoas_major"))
    for heading in ("Layer", "Bergmark class", "Role", "Origin", "Insertion", "Innervation", "Actions",
                    "Joints crossed", "Lumbar vertebrae", "Sources"):
        assert f">{heading}</th>" in card
    assert "Bogduk et al. 1992" in card


def test_local_global_plot_puts_each_muscle_in_the_column_of_its_lumbar_attachment():
    live = local_global_figure()
    ax = live.axes[0]
    rows = local_global_rows()
    assert len(ax.patches) == len(rows) == len(muscles.load())
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [m.label for m in reversed(rows)]
    for bar in ax.patches:
        muscle = next(m for m in rows if m.label == labels[round(bar.get_y() + bar.get_height() / 2)])
        assert round(bar.get_x() + bar.get_width() / 2) == ATTACHMENT_COLUMNS.index(muscle.lumbar_attachment)
    assert [m.bergmark for m in rows] == sorted((m.bergmark for m in rows), key=muscles.BERGMARK_CLASSES.index)
    assert "attach to the lumbar vertebrae" in ax.get_title()


def test_local_global_plot_shows_no_joint_count_criterion():
    live = local_global_figure()
    ax = live.axes[0]
    texts = [ax.get_title(), ax.get_xlabel(), *(t.get_text() for t in ax.texts),
             *(t.get_text() for t in ax.get_xticklabels())]
    assert not any("joint" in text.lower() for text in texts)
    assert all(p.get_width() < 1 for p in ax.patches)  # no shaded band spanning columns
    caption = local_global_panel().caption.value
    assert "without attaching to them" in caption and "joint" not in caption.lower()
    assert any("later authors" in t.get_text() for t in ax.texts)


def test_sorter_gives_feedback_per_muscle():
    sorter = MuscleSorter(["multifidus", "latissimus_dorsi", "quadratus_lumborum"])
    sorter.choose("multifidus", "deep")
    sorter.choose("latissimus_dorsi", "deep")
    sorter.step.check_button.click()
    assert mark_svg("correct") in sorter.feedback["multifidus"].value
    assert "dorsal rami" in sorter.feedback["multifidus"].value
    assert f"{mark_svg('wrong')}Not deep" in sorter.feedback["latissimus_dorsi"].value
    assert "thoracodorsal nerve" in sorter.feedback["latissimus_dorsi"].value
    assert "Choose a layer first" in sorter.feedback["quadratus_lumborum"].value
    assert "1 of 3 right" in sorter.step.feedback.value
    sorter.choose("latissimus_dorsi", "superficial")
    sorter.choose("quadratus_lumborum", "abdominal wall")
    assert all(sorter.check().values())
    with pytest.raises(ValueError, match="layer must be one of"):
        sorter.choose("multifidus", "core")
    assert sorter._repr_mimebundle_()["text/plain"].startswith("[Self-check] Sort the muscles")


def test_sorter_static_export_lists_the_muscles_without_answers(monkeypatch):
    monkeypatch.setenv("SPINELAB_STATIC", "1")
    bundle = MuscleSorter(["multifidus", "trapezius"])._repr_mimebundle_()
    assert set(bundle) == {"text/markdown", "text/plain"}
    assert "- Lumbar multifidus" in bundle["text/markdown"] and "- Trapezius" in bundle["text/markdown"]
    assert "dorsal rami" not in bundle["text/markdown"]
