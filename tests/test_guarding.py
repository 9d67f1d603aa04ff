import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spinelab.course import references
from spinelab.guarding import guarding, treatments
from spinelab.guarding.guarding import GuardingParams, ParameterChange

FAST = {"deadline": None, "max_examples": 60, "database": None}  # no .hypothesis folder in the tree


@st.composite
def params(draw, **fixed):
    ranges = guarding.PARAMETER_RANGES
    values = {name: draw(st.floats(low, high)) for name, (low, high) in ranges.items() if name not in fixed}
    return GuardingParams(**values, **fixed)


treatment_names = st.sampled_from(treatments.NAMES)


def test_default_threshold_is_one_over_the_drive():
    assert guarding.threshold_gain() == pytest.approx(1 / GuardingParams().drive) == pytest.approx(0.4)


def test_long_run_guarding_matches_the_analytic_fixed_point():
    assert guarding.long_run_guarding(GuardingParams(loop_gain=0.3)) == 0.0
    assert guarding.long_run_guarding(GuardingParams(loop_gain=0.5)) == pytest.approx(1 - 1 / (2.5 * 0.5))
    curves = guarding.simulate(GuardingParams(loop_gain=0.6), days=300)
    assert curves.end_guarding == pytest.approx(1 - 1 / 1.5, abs=1e-3)


def test_guarding_splints_then_fades_below_the_threshold():
    curves = guarding.simulate(GuardingParams(loop_gain=0.3))
    assert curves.peak_guarding > 0.5
    assert curves.end_guarding < 0.005
    assert curves.rom_percent.min() < 80 and curves.rom_percent[-1] > 99.5


def test_no_injury_means_no_guarding_even_above_threshold():
    curves = guarding.simulate(GuardingParams(injury_severity=0.0, loop_gain=1.0))
    assert np.all(curves.guarding == 0.0) and np.all(curves.rom_percent == 100.0)


def test_treatment_start_day_shapes_the_curve():
    params_ = GuardingParams(loop_gain=0.5)
    therapy = treatments.get("manual therapy")
    curves = guarding.simulate(params_, therapy, start_day=20)
    untreated = guarding.simulate(params_)
    before = curves.days < 20
    assert np.array_equal(curves.guarding[before], untreated.guarding[before])
    assert curves.end_guarding < 0.005 < untreated.end_guarding


@settings(**FAST)
@given(params(), st.one_of(st.none(), treatment_names), st.floats(0, 120))
def test_every_curve_is_finite_and_within_its_bounds(model, name, start_day):
    treatment = None if name is None else treatments.get(name)
    curves = guarding.simulate(model, treatment, start_day=start_day, days=120, step=0.5)
    for values in (curves.injury, curves.pain, curves.guarding, curves.rom_percent):
        assert np.all(np.isfinite(values))
    assert np.all((curves.injury >= 0) & (curves.injury <= model.injury_severity))
    assert np.all((curves.guarding >= 0) & (curves.guarding < 1))
    assert np.all((curves.pain >= 0) & (curves.pain <= model.injury_severity + model.loop_gain))
    assert np.all((curves.rom_percent >= 100 * (1 - model.rom_loss)) & (curves.rom_percent <= 100))


@settings(**FAST)
@given(params(), st.floats(0.0, 0.8))
def test_guarding_returns_to_baseline_below_the_threshold(model, fraction):
    model = model.with_changes(loop_gain=min(2.0, fraction * guarding.threshold_gain(model)))
    curves = guarding.simulate(model, days=720, step=1.0)
    assert guarding.long_run_guarding(model) == 0.0
    assert curves.end_guarding < 0.01


@settings(**FAST)
@given(params(), st.floats(1.25, 3.0))
def test_guarding_persists_above_the_threshold(model, fraction):
    model = model.with_changes(injury_severity=max(model.injury_severity, 0.05), drive=max(model.drive, 1.5))
    model = model.with_changes(loop_gain=min(2.0, fraction * guarding.threshold_gain(model)))
    expected = guarding.long_run_guarding(model)
    assert expected >= 1 - 1 / 1.25 - 1e-9
    assert guarding.simulate(model, days=720, step=1.0).end_guarding == pytest.approx(expected, abs=0.01)


@settings(**FAST)
@given(params(), treatment_names, st.floats(0, 100), st.floats(0, 100))
def test_starting_a_treatment_earlier_never_leaves_more_guarding(model, name, day_a, day_b):
    early, late = sorted((day_a, day_b))
    treatment = treatments.get(name)
    sooner = guarding.simulate(model, treatment, start_day=early, days=120, step=0.5)
    later = guarding.simulate(model, treatment, start_day=late, days=120, step=0.5)
    assert np.all(sooner.guarding <= later.guarding + 1e-12)
    assert sooner.total_guarding <= later.total_guarding + 1e-9


def test_every_treatment_raises_the_threshold_by_the_same_illustrative_factor():
    model = GuardingParams(guarding_days=3.0)
    factor = 1 / (1 - treatments.ILLUSTRATIVE_STRENGTH)
    for name in treatments.NAMES:
        assert guarding.threshold_gain(model, treatments.get(name)) == pytest.approx(factor / model.drive)


def test_treatment_evidence_is_quoted_from_the_registry():
    for treatment in treatments.all_treatments().values():
        assert treatment.evidence and treatment.evidence_summary
        for item in treatment.evidence:
            assert item.citation == references.cite(item.key)
    assert treatments.get("dry needling").evidence[0].statement == references.get("hu2018").finding
    assert "(Hu et al. 2018)" in treatments.get("dry needling").evidence_markdown()
    assert set(treatments.citation_keys()) >= {"dahm2010", "paige2017", "rubinstein2019", "hu2018",
                                                "george2021", "qaseem2017"}


def test_unknown_treatment_is_refused_with_the_choices():
    with pytest.raises(ValueError, match=r"treatment must be one of .*dry needling"):
        treatments.get("cupping")
    with pytest.raises(ValueError, match="mechanism must be one of"):
        treatments.Treatment("x", "magic", "r", "s", ())


@pytest.mark.parametrize("name", sorted(guarding.PARAMETER_RANGES))
@pytest.mark.parametrize("bad", [-1.0, math.nan, math.inf, 1e6, "0.5", True])
def test_bad_parameters_raise_naming_the_parameter_and_range(name, bad):
    low, high = guarding.PARAMETER_RANGES[name]
    with pytest.raises(ValueError, match=rf"^{name} must be .*\[{low}, {high}\]"):
        GuardingParams(**{name: bad})


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"days": 5}, "days"), ({"step": 0.0}, "step"), ({"step": math.nan}, "step"),
     ({"treatment": ParameterChange(gain_factor=0.5), "start_day": -1}, "start_day")],
)
def test_bad_simulation_settings_raise(kwargs, name):
    with pytest.raises(ValueError, match=f"^{name} must be"):
        guarding.simulate(**kwargs)


def test_bad_parameter_change_and_treatment_type_raise():
    with pytest.raises(ValueError, match=r"^drive_factor must be .*\[0.0, 1.0\]"):
        ParameterChange(drive_factor=1.5)
    with pytest.raises(ValueError, match="treatment must be None, a ParameterChange or a Treatment"):
        guarding.simulate(treatment="manual therapy")
