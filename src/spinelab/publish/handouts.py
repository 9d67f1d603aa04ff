"""Static handout figures: every figure of ``figures/`` is regenerated from the package.

Each :class:`Handout` names a builder that returns a live figure in a fixed
state (its alt text comes with it) and its citations; what it shows, and the README's words, are in
``data/wording.toml`` (``[handout_shows]``, ``[handouts]``). :func:`write_all` saves
each as a print-resolution PNG and an SVG, byte-for-byte reproducible (no dates,
fixed SVG ids), and writes ``figures/README.md`` from the same records, so the
alt text and citations there never drift from the figures.

Run ``python -m spinelab.publish.handouts figures`` (``make figures``).
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import matplotlib as mpl

from spinelab.course import references, style, wording
from spinelab.course.live import LiveFigure
from spinelab.publish.licence import CONTENT_LICENCE
from spinelab.publish.outputs import OutputFolderError, claim_folder, refuse

#: The name the handouts mark their folder with (``figures/.spinelab-output``).
TOOL = "handouts"

PNG_DPI = 300
# Dates and software versions would make every regeneration differ; omit them.
PNG_METADATA = {"Software": None}
SVG_METADATA = {"Date": None, "Creator": None}


@dataclass(frozen=True)
class Handout:
    """One static figure for handouts and slides.

    Attributes
    ----------
    name : str
        File stem in ``figures/``.
    builder : str
        ``"module:function"`` in ``spinelab``; the function returns a
        :class:`~spinelab.course.live.LiveFigure` (which carries the alt text) in the state to print.
    citations : tuple of str
        Citation keys of the sources behind the figure.
    arguments : tuple of str
        Passed to the builder, for builders that draw one of several things (a case map's case id).
    shows_key : str
        Its phrase in ``data/wording.toml`` ``[handout_shows]`` (:attr:`shows`); the handout's name if empty.
    """

    name: str
    builder: str
    citations: tuple[str, ...] = ()
    arguments: tuple[str, ...] = ()
    shows_key: str = ""

    @property
    def shows(self) -> str:
        """One or two sentences for the figure list: what the reader learns (a case map's names its case)."""
        values = {"case_id": self.arguments[0]} if self.arguments else {}
        return wording.phrase("handout_shows", self.shows_key or self.name, **values)

    def build(self) -> LiveFigure:
        """Build the figure in the course's desk style."""
        module_name, function_name = self.builder.split(":")
        function: Callable[..., LiveFigure] = getattr(importlib.import_module(f"spinelab.{module_name}"), function_name)
        with mpl.rc_context(style.rc_params(presenter=False)):
            return function(*self.arguments)


#: The branching cases of notebook 06 that get a map (ids of ``data/cases/``; a test checks that none is missing).
CASE_MAPS = ("warehouse", "cauda-equina", "saddle-call", "progressing-leg", "recurrent", "persistent")

#: Every handout figure of the course, in course order.
HANDOUTS: tuple[Handout, ...] = (
    Handout("01_muscle_layers", "anatomy.anatomy_figures:explorer_figure",
            ("standring2020", "bogduk1980", "macintosh1986", "willard2012")),
    Handout("01_local_global", "anatomy.anatomy_figures:local_global_figure",
            ("bergmark1989", "standring2020", "bogduk1980", "macintosh1986")),
    Handout("01_spine_model", "anatomy.spine_view:still_figure",
            ("walia2025", "christophy2012", "myosim2026")),
    Handout("02_guarding_model", "guarding.guarding_figures:explorer_figure", ()),
    Handout("02b_pain_theories", "guarding.guarding_figures:theories_figure",
            ("lund1991", "hodgestucker2011", "vandieen2003")),
    Handout("02b_flexion_relaxation", "guarding.flexion_relaxation_demo:demo_figure",
            ("gouteron2022", "alschuler2009")),
    Handout("03_recovery_reveal", "multifidus.multifidus_figures:predict_reveal_figure",
            ("hides1996", "menezescosta2012")),
    Handout("03_prognosis", "multifidus.evidence_figures:prognosis_figure",
            ("menezescosta2012",)),
    Handout("03b_recurrence", "multifidus.evidence_figures:recurrence_figure",
            ("hides2001", "dasilva2019", "choi2010")),
    Handout("03_treatment_explorer", "multifidus.multifidus_figures:treatment_explorer_figure",
            ("hides1996",)),
    Handout("04_ultrasound_measurement", "multifidus.ultrasound_trainer:handout_figure",
            ("hides1994",)),
    Handout("05_imaging_findings", "clinic.whole_patient_figures:imaging_figure",
            ("brinjikji2015",)),
    *(Handout(f"06_case_map_{case_id}", "clinic.case_maps:case_map_figure", (), (case_id,), "06_case_map")
      for case_id in CASE_MAPS),
    Handout("06_case_study_outcome", "clinic.plan_chooser:outcome_figure",
            ("hides1996",)),
)


def save(handout: Handout, folder: Path) -> tuple[list[Path], str]:
    """Save one handout as PNG and SVG; return the written paths and the figure's alt text."""
    folder.mkdir(parents=True, exist_ok=True)
    with mpl.rc_context(style.rc_params(presenter=False)):
        live = handout.build()
        figure = live.figure
        for artist in figure.findobj(lambda artist: artist.get_animated()):
            artist.set_animated(False)
        png, svg = folder / f"{handout.name}.png", folder / f"{handout.name}.svg"
        figure.savefig(png, dpi=PNG_DPI, metadata=PNG_METADATA)
        figure.savefig(svg, metadata=SVG_METADATA)
    return [png, svg], live.alt_text


def readme(handouts: tuple[Handout, ...] = HANDOUTS, alt_texts: dict[str, str] | None = None) -> str:
    """The Markdown text of ``figures/README.md`` (alt texts by handout name, built when not given)."""
    alt_texts = alt_texts or {handout.name: handout.build().alt_text for handout in handouts}
    lines = [wording.phrase("handouts", "title"), "", *wording.phrases("handouts", "intro", dpi=PNG_DPI), "",
             f"{CONTENT_LICENCE}.", ""]
    for handout in handouts:
        alt_text = alt_texts[handout.name]
        cites = ("; ".join(references.get(key).full() for key in handout.citations)
                 or wording.phrase("handouts", "no_sources"))
        lines += [
            f"## {handout.name}",
            "",
            f"![{alt_text}]({handout.name}.png)",
            "",
            wording.phrase("handouts", "files", png=f"{handout.name}.png", svg=f"{handout.name}.svg"),
            wording.phrase("handouts", "alt_text", alt_text=alt_text),
            wording.phrase("handouts", "shows", shows=handout.shows),
            wording.phrase("handouts", "sources", sources=cites),
            "",
        ]
    return "\n".join(lines)


def write_all(folder: Path, handouts: tuple[Handout, ...] = HANDOUTS) -> list[Path]:
    """Regenerate every handout figure and the README in ``folder``; remove figures of handouts no longer listed.

    A renamed or removed handout would otherwise leave its old PNG and SVG behind, undescribed in the README.
    ``folder`` must be new, empty or already the handouts' own (:func:`spinelab.publish.outputs.claim_folder`).

    Raises
    ------
    OutputFolderError
        If ``folder`` holds files the handouts did not write; nothing is then written or deleted.
    """
    claim_folder(folder, TOOL)
    names = {handout.name for handout in handouts}
    for stale in [*folder.glob("*.png"), *folder.glob("*.svg")]:
        if stale.stem not in names:
            stale.unlink()
    written: list[Path] = []
    alt_texts: dict[str, str] = {}
    for handout in handouts:
        paths, alt_texts[handout.name] = save(handout, folder)
        written += paths
    (folder / "README.md").write_text(readme(handouts, alt_texts), encoding="utf-8")
    return [*written, folder / "README.md"]


def main(argv: list[str] | None = None) -> None:
    """Command line: ``python -m spinelab.publish.handouts FOLDER``."""
    parser = argparse.ArgumentParser(description="Regenerate the handout figures.")
    parser.add_argument("folder", type=Path)
    try:
        written = write_all(parser.parse_args(argv).folder)
    except OutputFolderError as error:
        refuse("handouts", error)
    for path in written:
        print(path)


if __name__ == "__main__":
    main()
