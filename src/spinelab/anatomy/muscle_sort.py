"""'Sort the muscles': pick a layer for each of several muscles, then check, with feedback per muscle.

The right answers and the clues come from :mod:`spinelab.anatomy.muscles`, so the
self-check can never disagree with the data the figures draw; the words around them are in ``data/wording.toml``
``[muscle_sort]``.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import ipywidgets as widgets

from spinelab.anatomy import muscles
from spinelab.course import references, wording
from spinelab.course.display import Displayable
from spinelab.course.marks import mark
from spinelab.course.steps import CheckStep

DEFAULT_MUSCLES = ("latissimus_dorsi", "multifidus", "serratus_posterior_inferior", "trapezius",
                   "longissimus_thoracis_lumbar", "transversus_abdominis", "rotatores", "quadratus_lumborum")


def _words(key: str, /, **values: object) -> str:
    return wording.phrase("muscle_sort", key, **values)


def layer_clue(layer: str) -> str:
    """The rule of thumb for a layer (one of :data:`spinelab.anatomy.muscles.LAYERS`), shown once answered."""
    return _words(f"clue_{layer.replace(' ', '_')}")


@references.shows(muscles.all_citations)
class MuscleSorter(Displayable):
    """A layer dropdown per muscle, one Check button and feedback for each muscle.

    Parameters
    ----------
    muscle_ids : sequence of str
        The muscles to sort (ids from :mod:`spinelab.anatomy.muscles`).
    """

    def __init__(self, muscle_ids: Sequence[str] = DEFAULT_MUSCLES) -> None:
        if not muscle_ids:
            raise ValueError("muscle_ids must name at least one muscle")
        self.muscles = tuple(muscles.get(muscle_id) for muscle_id in muscle_ids)
        options = [(_words("choose"), None), *((layer, layer) for layer in muscles.LAYERS)]
        self.dropdowns = {m.id: widgets.Dropdown(options=options, value=None, description=m.name,
                                                 style={"description_width": "16em"},
                                                 layout=widgets.Layout(width="34em"))
                          for m in self.muscles}
        self.feedback = {m.id: widgets.HTML() for m in self.muscles}
        rows = [widgets.HBox([self.dropdowns[m.id], self.feedback[m.id]]) for m in self.muscles]
        intro = widgets.HTML(_words("intro"))
        names = ", ".join(m.label for m in self.muscles)
        listing = "\n".join(f"- {m.name}" for m in self.muscles)
        static = f"{_words('static', layers=', '.join(muscles.LAYERS))}\n\n{listing}"
        self.step: CheckStep[dict[str, bool | None]] = CheckStep(
            [intro, *rows], self._grade, _words("plain", muscles=names), static)
        self.view = self.step

    def choose(self, muscle_id: str, layer: str) -> None:
        """Select a layer for a muscle, as a student would."""
        if layer not in muscles.LAYERS:
            raise ValueError(f"layer must be one of {', '.join(muscles.LAYERS)}; got {layer!r}")
        self.dropdowns[muscles.get(muscle_id).id].value = layer

    def check(self) -> dict[str, bool | None]:
        """Show feedback for every muscle; return, per muscle id, whether it is right (None: not answered)."""
        return self.step.check()

    def _grade(self) -> tuple[dict[str, bool | None], str]:
        results: dict[str, bool | None] = {}
        for muscle in self.muscles:
            chosen = self.dropdowns[muscle.id].value
            if chosen is None:
                results[muscle.id] = None
                self.feedback[muscle.id].value = _words("choose_first")
                continue
            results[muscle.id] = chosen == muscle.layer
            if chosen == muscle.layer:
                kind, text = "correct", _words("right", layer=muscle.layer, clue=layer_clue(muscle.layer))
            else:
                kind, text = "wrong", _words("wrong", chosen=chosen, innervation=_lower_first(muscle.innervation),
                                             insertion=_lower_first(muscle.insertion))
            self.feedback[muscle.id].value = f"<small>{mark(kind, text)} {html.escape(muscle.cite())}</small>"
        right = sum(result is True for result in results.values())
        return results, _words("score", right=right, total=len(self.muscles))


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
