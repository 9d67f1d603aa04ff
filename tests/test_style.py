import matplotlib as mpl
import pytest

import spinelab
from spinelab import setup
from spinelab.course import style


@pytest.fixture(autouse=True)
def _restore_rc():
    with mpl.rc_context():
        yield


def test_every_concept_colour_is_from_the_okabe_ito_palette():
    palette = set(style.OKABE_ITO.values())
    for mapping in (style.LAYER_COLOURS, style.BERGMARK_COLOURS, style.GROUP_COLOURS, style.SIGNAL_COLOURS):
        assert set(mapping.values()) <= palette


def test_layers_and_groups_have_distinct_colours():
    assert len(set(style.LAYER_COLOURS.values())) == len(style.LAYER_COLOURS) == 4
    assert style.GROUP_COLOURS["control"] != style.GROUP_COLOURS["specific exercise"]
    assert style.BERGMARK_COLOURS["local"] != style.BERGMARK_COLOURS["global"]


def test_study_groups_differ_by_marker_and_line_style_not_only_colour():
    assert style.GROUP_MARKERS["control"] != style.GROUP_MARKERS["specific exercise"]
    assert style.GROUP_LINESTYLES["control"] != style.GROUP_LINESTYLES["specific exercise"]


def test_presenter_mode_enlarges_fonts_and_lines():
    desk, presenter = style.rc_params(False), style.rc_params(True)
    assert presenter["font.size"] >= 1.4 * desk["font.size"]
    assert presenter["lines.linewidth"] > desk["lines.linewidth"]


def test_use_switches_presenter_mode_by_call():
    assert style.use(presenter=True) is True
    assert mpl.rcParams["font.size"] == 18
    assert style.use(presenter=False) is False
    assert mpl.rcParams["font.size"] == 12


@pytest.mark.parametrize(("value", "expected"), [("1", True), ("yes", True), ("0", False), ("", False)])
def test_use_reads_the_environment_variable(monkeypatch, value, expected):
    monkeypatch.setenv(style.PRESENTER_ENV, value)
    assert style.use() is expected
    assert setup().endswith("(presenter style)." if expected else "(desk style).")


def test_setup_stylesheet_has_a_focus_ring_and_grows_widget_text_only_in_presenter_mode(monkeypatch):
    from spinelab.course import a11y

    desk, presenter = a11y.page_css(1.0), a11y.page_css(style.figure_scale() if style.use(True) else 1.0)
    assert "outline: 3px solid #0072B2" in desk and "outline: 3px solid #0072B2" in presenter
    assert "--jp-widgets-font-size" not in desk and "* 1.5)" in presenter
    monkeypatch.delenv("SPINELAB_STATIC", raising=False)
    bundle = setup(presenter=True)._repr_mimebundle_()
    assert bundle["text/plain"] == f"spinelab {spinelab.__version__} ready (presenter style)."
    assert "application/vnd.jupyter.widget-view+json" in bundle
    monkeypatch.setenv("SPINELAB_STATIC", "1")
    desk_line = f"spinelab {spinelab.__version__} ready (desk style)."
    assert setup(presenter=False)._repr_mimebundle_() == {"text/plain": desk_line}
