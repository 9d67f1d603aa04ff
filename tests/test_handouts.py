from pathlib import Path

import pytest

from spinelab import handouts, references

ROOT = Path(__file__).resolve().parents[1]


def test_every_notebook_module_with_figures_has_handouts():
    modules = {handout.builder.split(":")[0] for handout in handouts.HANDOUTS}
    assert {"anatomy_figures", "guarding_figures", "flexion_relaxation", "multifidus_figures"} <= modules


def test_every_handout_has_alt_text_and_resolving_citations():
    assert len({handout.name for handout in handouts.HANDOUTS}) == len(handouts.HANDOUTS)
    for handout in handouts.HANDOUTS:
        assert len(handout.build().alt_text) > 40 and handout.shows
        for key in handout.citations:
            references.get(key)


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> tuple[Path, Path]:
    first, second = tmp_path_factory.mktemp("first"), tmp_path_factory.mktemp("second")
    handouts.write_all(first)
    handouts.write_all(second)
    return first, second


def test_regeneration_is_byte_for_byte_deterministic(regenerated):
    first, second = regenerated
    names = sorted(path.name for path in first.iterdir())
    assert names == sorted(path.name for path in second.iterdir())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_committed_figures_are_current(regenerated):
    fresh, _ = regenerated
    committed = ROOT / "figures"
    for path in fresh.iterdir():
        assert (committed / path.name).exists(), f"figures/{path.name} is missing: run make figures"
        stale = f"figures/{path.name} is stale: run make figures"
        assert (committed / path.name).read_bytes() == path.read_bytes(), stale


def test_readme_lists_each_figure_with_alt_text_and_sources():
    text = handouts.readme()
    for handout in handouts.HANDOUTS:
        assert f"![{handout.build().alt_text}]({handout.name}.png)" in text
        for key in handout.citations:
            assert references.get(key).title.rstrip(".") in text
