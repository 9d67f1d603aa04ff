import itertools

import numpy as np
import pytest

from spinelab.guarding import flexion_relaxation as fr
from spinelab.guarding.flexion_relaxation_demo import FlexionRelaxationDemo, demo_figure


def test_ratios_are_anchored_to_the_pooled_values():
    assert fr.ratio_for(0.0) == pytest.approx(fr.PAIN_FREE_RATIO, rel=0.05)
    assert fr.ratio_for(fr.LBP_GUARDING) == pytest.approx(fr.LBP_POOLED_RATIO, rel=0.05)
    assert fr.ratio_for(1.0) == pytest.approx(1.0, rel=0.05)


def test_more_guarding_means_less_relaxation():
    ratios = [fr.ratio_for(level) for level in np.linspace(0, 1, 11)]
    assert all(a > b for a, b in itertools.pairwise(ratios))


def test_pain_free_activity_falls_near_full_flexion_but_guarding_persists():
    times, relaxed = fr.envelope(0.0, noise=False)
    _, guarded = fr.envelope(0.8, noise=False)
    full = fr.phase_mask(times, "full flexion")
    assert relaxed[full].mean() < fr.STANDING_LEVEL < guarded[full].mean()
    assert relaxed[fr.phase_mask(times, "flexion")].max() == pytest.approx(1.0, abs=1e-3)


def test_signals_are_deterministic_and_the_noise_is_seeded():
    assert np.array_equal(fr.envelope(0.3)[1], fr.envelope(0.3)[1])
    assert not np.array_equal(fr.envelope(0.3)[1], fr.envelope(0.3, noise=False)[1])


def test_angle_runs_from_upright_to_full_flexion_and_back():
    times = fr.time_grid()
    angle = fr.flexion_angle(times)
    assert angle[0] == 0.0 and angle[-1] == pytest.approx(0.0)
    assert np.all(angle[fr.phase_mask(times, "full flexion")] == pytest.approx(1.0))
    assert angle.min() >= 0.0 and angle.max() <= 1.0


def test_guarding_for_ratio_inverts_the_noise_free_ratio():
    for ratio in (1.5, 2.96, 4.0):
        level = fr.guarding_for_ratio(ratio)
        assert fr.flexion_relaxation_ratio(*fr.envelope(level, noise=False)) == pytest.approx(ratio, rel=1e-3)


@pytest.mark.parametrize("bad", [-0.1, 1.1, float("nan")])
def test_bad_guarding_level_raises(bad):
    with pytest.raises(ValueError, match=r"^guarding must be .*\[0.0, 1.0\]"):
        fr.envelope(bad)


def test_ratio_input_checks():
    times = fr.time_grid()
    with pytest.raises(ValueError, match="same shape"):
        fr.flexion_relaxation_ratio(times, times[:-1])
    with pytest.raises(ValueError, match="positive"):
        fr.flexion_relaxation_ratio(times, np.zeros_like(times))
    with pytest.raises(ValueError, match="phase must be one of"):
        fr.phase_mask(times, "sitting")
    with pytest.raises(ValueError, match=r"^ratio must be"):
        fr.guarding_for_ratio(10.0)


def test_slider_updates_ratio_and_artists_without_rebuilding():
    demo = FlexionRelaxationDemo()
    figure, line, before = demo.live.figure, demo.time_line, demo.live.png()
    assert "3.0" in demo.readout.value
    demo.slider.value = 0.9
    assert demo.live.figure is figure and demo.time_line is line
    assert demo.ratio < 1.2 and "1.1" in demo.readout.value
    assert demo.live.png() != before
    assert "(Gouteron et al. 2022)" in demo.readout.value
    assert demo.pain_free_ratio == fr.ratio_for(0.0)
    assert f"pain-free simulation {fr.ratio_for(0.0):.1f}" in demo.readout.value
    assert demo_figure().alt_text.startswith("Simulated")
    assert demo._repr_mimebundle_()["text/plain"].startswith("[Interactive figure] Simulated erector spinae")


def test_ratio_table_gives_one_line_per_named_level():
    lines = fr.ratio_table({"pain-free": 0.0, "pooled chronic LBP": fr.LBP_GUARDING}).splitlines()
    assert lines == [f"Simulated FRR, pain-free (guarding level 0.00): {fr.ratio_for(0.0):.1f}",
                     f"Simulated FRR, pooled chronic LBP (guarding level {fr.LBP_GUARDING:.2f}): "
                     f"{fr.ratio_for(fr.LBP_GUARDING):.1f}"]
