from pathlib import Path

import pytest

from spinelab.anatomy import spine_model
from spinelab.clinic import cases
from spinelab.course import references
from spinelab.publish import handouts
from spinelab.publish.outputs import MARKER, claim_folder

ROOT = Path(__file__).resolve().parents[1]


def test_the_3d_views_still_is_a_handout_citing_the_model():
    still = next(handout for handout in handouts.HANDOUTS if handout.builder == "anatomy.spine_view:still_figure")
    assert set(still.citations) == set(spine_model.citations())
    live = still.build()
    assert len(live.axes) == 2 and all(ax.collections for ax in live.axes)  # bones and fascicles, both views
    assert f"{len(spine_model.fascicles())} muscle fascicles" in live.alt_text


def test_every_branching_case_has_a_map_named_after_it():
    maps = {handout.name: handout.arguments for handout in handouts.HANDOUTS
            if handout.builder == "clinic.case_maps:case_map_figure"}
    assert maps == {f"06_case_map_{case.id}": (case.id,) for case in cases.cases()}


@pytest.fixture(scope="module")
def alt_texts() -> dict[str, str]:
    return {handout.name: handout.build().alt_text for handout in handouts.HANDOUTS}


def test_every_handout_has_alt_text_and_resolving_citations(alt_texts):
    assert len(alt_texts) == len(handouts.HANDOUTS)
    for handout in handouts.HANDOUTS:
        assert len(alt_texts[handout.name]) > 40 and handout.shows
        for key in handout.citations:
            references.get(key)


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("figures")
    handouts.write_all(folder)
    return folder


def test_saving_twice_gives_the_same_bytes(tmp_path):
    handout = next(h for h in handouts.HANDOUTS if h.name == "02b_pain_theories")
    first, _ = handouts.save(handout, tmp_path / "first")
    second, _ = handouts.save(handout, tmp_path / "second")
    assert [path.read_bytes() for path in first] == [path.read_bytes() for path in second]


def test_committed_figures_are_current_so_regeneration_is_deterministic_across_runs(regenerated):
    fresh = regenerated
    committed = ROOT / "figures"
    for path in fresh.iterdir():
        assert (committed / path.name).exists(), f"figures/{path.name} is missing: run make figures"
        stale = f"figures/{path.name} is stale: run make figures"
        assert (committed / path.name).read_bytes() == path.read_bytes(), stale
    leftover = {path.name for path in committed.iterdir()} - {path.name for path in fresh.iterdir()}
    assert not leftover, f"figures/ holds files no handout makes: {sorted(leftover)}; run make figures"


def test_regenerating_removes_the_figures_of_a_renamed_handout_and_nothing_else(tmp_path):
    handout = next(h for h in handouts.HANDOUTS if h.name == "05_imaging_findings")
    claim_folder(tmp_path, handouts.TOOL)
    for name in ("03_recurrence.png", "03_recurrence.svg", "notes.txt"):
        (tmp_path / name).write_text("left from an earlier run", encoding="utf-8")
    written = handouts.write_all(tmp_path, (handout,))
    assert {path.name for path in tmp_path.iterdir()} == {path.name for path in written} | {"notes.txt", MARKER}
    assert {path.name for path in written} == {"05_imaging_findings.png", "05_imaging_findings.svg", "README.md"}


def test_readme_lists_each_figure_with_alt_text_and_sources(alt_texts):
    text = handouts.readme(alt_texts=alt_texts)
    for handout in handouts.HANDOUTS:
        assert f"![{alt_texts[handout.name]}]({handout.name}.png)" in text
        for key in handout.citations:
            assert references.get(key).title.rstrip(".") in text
