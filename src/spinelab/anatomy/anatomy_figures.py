"""Schematic figures of the back muscles: a lumbar cross-section, a posterior view and a local/global plot.

:class:`MuscleLayersExplorer` shows a transverse section at about L4 beside a
posterior view of the trunk, both drawn with matplotlib patches, schematic and
not to scale. One slider peels the back layers from the skin inwards, a picker
highlights one muscle and shows its card (attachments, nerve, actions, role,
layer, Bergmark class, sources), and a toggle recolours the muscles by
Bergmark's local/global class. Every change only edits existing artists and
blits them (:mod:`spinelab.course.live`). The drawings' coordinates are in
:mod:`spinelab.anatomy.schematics`.

:func:`local_global_figure` sorts the muscles by Bergmark's criterion: whether
each attaches to the lumbar vertebrae, directly, with some fascicles, only
through the thoracolumbar fascia or not at all, coloured by Bergmark class.

Every fact shown comes from :mod:`spinelab.anatomy.muscles`, with its citations; the words around them are in
``data/wording.toml`` ``[anatomy_figures]``.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
from matplotlib import patheffects
from matplotlib.artist import Artist
from matplotlib.collections import LineCollection
from matplotlib.patches import Patch, Polygon
from matplotlib.text import Text

from spinelab.anatomy import muscles
from spinelab.anatomy.schematics import (
    BERGMARK_HATCH,
    BERGMARK_LINESTYLE,
    LABEL_SIZE,
    NOT_CLASSIFIED_COLOUR,
    POSTERIOR_LABELS,
    POSTERIOR_LINES,
    POSTERIOR_POINTERS,
    POSTERIOR_SHAPES,
    SECTION_LABELS,
    SECTION_MIDLINE,
    SECTION_SHAPES,
    TLF_LINES,
    TLF_WIDTH,
    add_label,
    draw_posterior_bones,
    draw_section_bones,
    legend_handles,
    mirror,
)
from spinelab.course import references, style, wording
from spinelab.course.display import Displayable, FigurePanel
from spinelab.course.live import LiveFigure

#: The layer-peeling slider's steps, from the skin inwards.
PEEL_STEPS = ("all layers", "superficial removed", "intermediate removed", "deep removed")
COLOUR_MODES = ("layer", "Bergmark class")
TLF_ID = "thoracolumbar_fascia"

_EDGE_WIDTH, _HIGHLIGHT_EDGE_WIDTH = 0.6, 2.8
_LINE_WIDTH, _HIGHLIGHT_LINE_WIDTH = 1.3, 3.0
_HIGHLIGHT_TLF_WIDTH = 3.6


def _words(key: str, /, **values: object) -> str:
    return wording.phrase("anatomy_figures", key, **values)


def hidden_layers(step: str) -> tuple[str, ...]:
    """The back layers removed at a peeling step, e.g. ``("superficial",)`` for ``"superficial removed"``."""
    if step not in PEEL_STEPS:
        raise ValueError(f"step must be one of {', '.join(PEEL_STEPS)}; got {step!r}")
    return muscles.PEEL_ORDER[:PEEL_STEPS.index(step)]


def muscle_colour(muscle: muscles.Muscle, colour_by: str) -> str:
    """Fill colour of a muscle: by layer, or by Bergmark class (grey when not classified)."""
    if colour_by not in COLOUR_MODES:
        raise ValueError(f"colour_by must be one of {', '.join(COLOUR_MODES)}; got {colour_by!r}")
    if colour_by == "layer":
        return style.LAYER_COLOURS[muscle.layer]
    return style.BERGMARK_COLOURS.get(muscle.bergmark, NOT_CLASSIFIED_COLOUR)


def muscle_card(item: muscles.Muscle | muscles.Structure, note: str = "") -> str:
    """The HTML card of a muscle (or of the thoracolumbar fascia): its facts and their sources."""
    if isinstance(item, muscles.Structure):
        rows = [(_words("card_what"), item.description)]
    else:
        rows = [
            (_words("card_layer"), item.layer),
            (_words("card_bergmark"), f"{item.bergmark}: {item.bergmark_note}"),
            (_words("card_role"), item.role),
            (_words("card_origin"), item.origin),
            (_words("card_insertion"), item.insertion),
            (_words("card_innervation"), item.innervation),
            (_words("card_actions"), item.actions),
            (_words("card_joints"), f"{item.segments_text}. {item.segments_note}"),
            (_words("card_lumbar"), item.lumbar_attachment_text),
        ]
    rows.append((_words("card_sources"), item.cite()))
    body = "".join(f"<tr><th style='text-align:left;vertical-align:top;padding-right:8px'>{html.escape(k)}</th>"
                   f"<td style='text-align:left'>{html.escape(v)}</td></tr>" for k, v in rows)
    extra = f"<p><em>{html.escape(note)}</em></p>" if note else ""
    return f"<div><h4 style='margin:4px 0'>{html.escape(item.name)}</h4>{extra}<table>{body}</table></div>"


@references.shows(muscles.all_citations)
class MuscleLayersExplorer(Displayable):
    """Cross-section and posterior view of the back muscles with a layer-peeling slider, picker and toggle.

    Parameters
    ----------
    peel : str
        Initial peeling step, one of :data:`PEEL_STEPS`.
    muscle : str
        Id of the muscle (or ``"thoracolumbar_fascia"``) highlighted first.
    colour_by : str
        ``"layer"`` or ``"Bergmark class"``.
    """

    def __init__(self, peel: str = "all layers", muscle: str = "multifidus", colour_by: str = "layer") -> None:
        hidden_layers(peel)
        if colour_by not in COLOUR_MODES:
            raise ValueError(f"colour_by must be one of {', '.join(COLOUR_MODES)}; got {colour_by!r}")
        choices = [(m.name, m.id) for m in muscles.load()] + [(muscles.structure(TLF_ID).name, TLF_ID)]
        if muscle not in dict(choices).values():
            raise ValueError(f"muscle must be one of {', '.join(v for _, v in choices)}; got {muscle!r}")
        self.peel = widgets.SelectionSlider(options=list(PEEL_STEPS), value=peel, description=_words("peel"),
                                            continuous_update=True, style={"description_width": "initial"},
                                            layout=widgets.Layout(width="30em", max_width="100%"))
        self.picker = widgets.Dropdown(options=choices, value=muscle, description=_words("muscle"),
                                       style={"description_width": "initial"},
                                       layout=widgets.Layout(width="22em", max_width="100%"))
        self.colour_by = widgets.ToggleButtons(options=list(COLOUR_MODES), value=colour_by,
                                               description=_words("colour_by"),
                                               style={"description_width": "initial", "button_width": "auto"},
                                               tooltips=wording.phrases("anatomy_figures", "colour_tooltips"))
        self.card = widgets.HTML()
        self.live = LiveFigure(
            _words("explorer_alt_text"),
            figsize=(10.5, 5.4), ncols=2, gridspec_kw={"width_ratios": [1.55, 1.0]},
        )
        self.artists: dict[str, list[Artist]] = {}
        self.labels: dict[str, list[Text]] = {}
        self._build()
        for control in (self.peel, self.picker, self.colour_by):
            control.observe(lambda _change: self.update(), names="value")
        # After every redraw, what changed goes to the panel's polite live region, for screen readers.
        self.live.describe = lambda: _words("explorer_state", peel=self.peel.value, muscle=self._chosen_item().name,
                                            colour_by=self.colour_by.value)
        self.update(refresh=False)
        self.live.render()
        # Peeling has only four steps: draw each once now, so that every later peel move shows a stored frame.
        start = self.peel.value
        for step in self.peel.options:
            self.peel.value = step
        self.peel.value = start
        # The controls sit in one wrapping row right above the figure, so the figure they change is in sight; the
        # chosen muscle's card, long, goes under the figure.
        row = widgets.HBox([self.peel, self.picker, self.colour_by],
                           layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
        self.view = FigurePanel(
            self.live, [row], below=[self.card],
            caption=_words("explorer_caption"))

    # ------------------------------------------------------------ building (once)
    def _add(self, muscle_id: str, artist: Artist) -> None:
        self.artists.setdefault(muscle_id, []).append(artist)

    def _build(self) -> None:
        section, posterior = self.live.axes
        section.set(xlim=(-10.8, 10.8), ylim=(-7.4, 11.4), aspect="equal",
                    title=_words("section_title"))
        posterior.set(xlim=(-11.0, 11.0), ylim=(-31.0, 2.2), aspect="equal",
                      title=_words("posterior_title"))
        for ax in (section, posterior):
            ax.set_axis_off()
        draw_section_bones(section)
        draw_posterior_bones(posterior)
        for muscle_id, shapes in SECTION_SHAPES.items():
            for shape in shapes:
                for points in (shape, mirror(shape)):
                    self._add(muscle_id, section.add_patch(Polygon(points, closed=True)))
        for muscle_id, shape in SECTION_MIDLINE.items():
            self._add(muscle_id, section.add_patch(Polygon(shape, closed=True)))
        # Draw order is registration order: deep first, so the superficial layer covers it.
        for muscle_id in sorted(POSTERIOR_SHAPES, key=self._depth):
            for shape in POSTERIOR_SHAPES[muscle_id]:
                self._add(muscle_id, posterior.add_patch(Polygon(shape, closed=True)))
        for muscle_id, lines in POSTERIOR_LINES.items():
            self._add(muscle_id, posterior.add_collection(LineCollection(lines, capstyle="round")))
        self.tlf = section.add_collection(LineCollection(
            [*TLF_LINES, *(mirror(line) for line in TLF_LINES)], colors=style.STRUCTURE_EDGE))
        self.artists[TLF_ID] = [self.tlf]
        for labels, ax in ((SECTION_LABELS, section), (POSTERIOR_LABELS, posterior)):
            for muscle_id, (x, y, text) in labels.items():
                if text:
                    self.labels.setdefault(muscle_id, []).append(add_label(ax, x, y, text))
        for muscle_id, (x, y, text, target) in POSTERIOR_POINTERS.items():
            pointer = posterior.annotate(text, xy=target, xytext=(x, y), fontsize=LABEL_SIZE, ha="left",
                                         va="center", zorder=5, arrowprops={"arrowstyle": "-", "linewidth": 0.6})
            self.labels.setdefault(muscle_id, []).append(pointer)
        self.live.figure.legend(handles=legend_handles(), loc="outside right center", fontsize=7 * style.figure_scale())
        ordered = sorted((m for m in self.artists if m != TLF_ID), key=self._depth)
        # Blitting draws in registration order; matching z-orders make a full draw (handouts) look the same.
        for muscle_id in ordered:
            for artist in self.artists[muscle_id]:
                artist.set_zorder(1.0 + self._depth(muscle_id))
        self.tlf.set_zorder(4.5)
        self.live.dynamic(*(self.artists[m] for m in ordered), self.tlf, *self.labels.values())

    @staticmethod
    def _depth(muscle_id: str) -> int:
        order = ("abdominal wall", "deep", "intermediate", "superficial")
        return order.index(muscles.get(muscle_id).layer) if muscle_id != TLF_ID else 0

    # ------------------------------------------------------------ updates (every control change)
    def is_visible(self, muscle_id: str) -> bool:
        """Whether the muscle's shapes are shown at the current peeling step."""
        if muscle_id == TLF_ID:
            return True
        return muscles.get(muscle_id).layer not in hidden_layers(self.peel.value)

    def update(self, refresh: bool = True) -> None:
        """Apply the controls to the existing artists (visibility, colour, highlight) and the card."""
        colour_by, chosen = self.colour_by.value, self.picker.value
        for muscle_id, artists in self.artists.items():
            if muscle_id == TLF_ID:
                self.tlf.set_linewidth(_HIGHLIGHT_TLF_WIDTH if chosen == TLF_ID else TLF_WIDTH)
                continue
            muscle = muscles.get(muscle_id)
            visible, highlighted = self.is_visible(muscle_id), muscle_id == chosen
            colour = muscle_colour(muscle, colour_by)
            bergmark = colour_by == "Bergmark class"
            for artist in artists:
                artist.set_visible(visible)
                if isinstance(artist, LineCollection):
                    artist.set_color(colour)
                    artist.set_linestyle(BERGMARK_LINESTYLE[muscle.bergmark] if bergmark else "-")
                    width = _HIGHLIGHT_LINE_WIDTH if highlighted else _LINE_WIDTH
                    artist.set_linewidth(width)
                    # A white halo keeps the fascicles readable over muscles of the same colour.
                    artist.set_path_effects([patheffects.withStroke(linewidth=width + 1.8, foreground="white")])
                else:
                    artist.set_facecolor(colour)
                    artist.set_hatch(BERGMARK_HATCH[muscle.bergmark] if bergmark else "")
                    artist.set_edgecolor(style.OKABE_ITO["black"] if highlighted else style.STRUCTURE_EDGE)
                    artist.set_linewidth(_HIGHLIGHT_EDGE_WIDTH if highlighted else _EDGE_WIDTH)
            for label in self.labels.get(muscle_id, []):
                label.set_visible(visible)
                label.set_fontweight("bold" if highlighted else "normal")
        self.card.value = muscle_card(self._chosen_item(), self._card_note(chosen))
        if refresh:
            self.live.refresh(state=(self.peel.value, chosen, colour_by))

    def _chosen_item(self) -> muscles.Muscle | muscles.Structure:
        chosen = self.picker.value
        return muscles.structure(chosen) if chosen == TLF_ID else muscles.get(chosen)

    def _card_note(self, chosen: str) -> str:
        if chosen == TLF_ID:
            return ""
        if not self.is_visible(chosen):
            return _words("peeled_away")
        in_section = chosen in {*SECTION_SHAPES, *SECTION_MIDLINE}
        in_posterior = chosen in {*POSTERIOR_SHAPES, *POSTERIOR_LINES}
        if in_section and in_posterior:
            where = _words("in_both", section=_words("in_section"), posterior=_words("in_posterior"))
        else:
            where = _words("in_section" if in_section else "in_posterior")
        return _words("outlined_in", where=where)


def explorer_figure(peel: str = "all layers", muscle: str = "multifidus",
                    colour_by: str = "layer") -> LiveFigure:
    """The explorer's figure in one state, for static handouts (``explorer_figure().savefig(path)``)."""
    return MuscleLayersExplorer(peel=peel, muscle=muscle, colour_by=colour_by).live


# ---------------------------------------------------------------- local / global plot

#: Columns of the local/global plot: how a muscle reaches the lumbar vertebrae, most direct first.
ATTACHMENT_COLUMNS = tuple(muscles.LUMBAR_ATTACHMENTS)


def local_global_rows() -> tuple[muscles.Muscle, ...]:
    """The muscles of the local/global plot, top to bottom: local, then global, then not classified."""
    return tuple(sorted(muscles.load(), key=lambda m: (muscles.BERGMARK_CLASSES.index(m.bergmark),
                                                       ATTACHMENT_COLUMNS.index(m.lumbar_attachment), m.label)))


def local_global_figure() -> LiveFigure:
    """Each muscle in the column of its lumbar attachment, coloured by its Bergmark class."""
    rows = local_global_rows()
    live = LiveFigure(_words("local_global_alt_text"), figsize=(10.0, 6.4))
    ax = live.axes[0]
    n = len(rows)
    for y, muscle in enumerate(rows):
        x = ATTACHMENT_COLUMNS.index(muscle.lumbar_attachment)
        ax.barh(n - 1 - y, 0.8, left=x - 0.4, height=0.7, hatch=BERGMARK_HATCH[muscle.bergmark],
                color=style.BERGMARK_COLOURS.get(muscle.bergmark, NOT_CLASSIFIED_COLOUR),
                edgecolor=style.STRUCTURE_EDGE, linewidth=0.6)
    local = sum(m.bergmark == "local" for m in rows)
    glob = sum(m.bergmark == "global" for m in rows)
    for edge in (local, local + glob):
        ax.axhline(n - edge - 0.5, color=style.STRUCTURE_EDGE, linewidth=0.8, linestyle="--")
    exception = n - 1 - rows.index(muscles.get(muscles.FASCIA_LOCAL_EXCEPTION))
    fascia = ATTACHMENT_COLUMNS.index("through fascia")
    ax.annotate(_words("fascia_exception"), xy=(fascia + 0.4, exception),
                xytext=(fascia - 0.35, exception + 2.6), fontsize=7, va="center",
                arrowprops={"arrowstyle": "-", "linewidth": 0.6})
    columns = len(ATTACHMENT_COLUMNS)
    ax.set(yticks=range(n), yticklabels=[m.label for m in reversed(rows)], xlim=(-0.55, columns - 0.45),
           xticks=range(columns), xticklabels=wording.phrases("anatomy_figures", "column_titles"), ylim=(-0.7, n - 0.3),
           title=_words("local_global_title"))
    ax.xaxis.tick_top()
    ax.tick_params(labelsize=8)
    ax.grid(visible=False)
    handles = [Patch(facecolor=style.BERGMARK_COLOURS.get(c, NOT_CLASSIFIED_COLOUR), hatch=BERGMARK_HATCH[c],
                     edgecolor=style.STRUCTURE_EDGE, label=c) for c in muscles.BERGMARK_CLASSES]
    ax.legend(handles=handles, title=_words("bergmark_legend"), loc="lower left",
              bbox_to_anchor=(0.26, 0.0), fontsize=8)
    live.render()
    return live


@references.shows(muscles.all_citations)
def local_global_panel() -> FigurePanel:
    """:func:`local_global_figure` with its caption, ready to display."""
    return FigurePanel(local_global_figure(), caption=_words("local_global_caption",
                                                             citations=references.cite(*muscles.all_citations())))
