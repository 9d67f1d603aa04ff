"""The ultrasound measurement trainer: outline multifidus on a simulated image, then compare with the truth.

:class:`UltrasoundTrainer` shows a **simulated** transverse image (:mod:`spinelab.multifidus.ultrasound`).
The student outlines multifidus on each side by clicking points on the image (mouse events from the
``ipyevents`` package) or, without a mouse, by fitting an oval outline with sliders (keyboard-operable).
*Check* measures both outlines (shoelace area, asymmetry) and says how far off they were and whether that
error would hide the side-to-side difference. Bad input (too few points, a point outside the image, an
outline that crosses itself, an image depth of zero) gives a message in the widget, never a traceback.
:func:`handout_figure` is the static figure for handouts. The trainer's labels and descriptions are in
``data/wording.toml`` ``[ultrasound_trainer]``; its messages to the student in ``data/messages.toml``.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np
from ipyevents import Event

from spinelab.course import a11y, datafile, references, style, wording
from spinelab.course.display import Display, Displayable, FigurePanel
from spinelab.course.live import LiveFigure
from spinelab.course.marks import mark
from spinelab.course.text import PlainText
from spinelab.multifidus import ultrasound
from spinelab.multifidus.outlines import self_intersects

SIDE_COLOURS = {"left": style.OKABE_ITO["sky_blue"], "right": style.OKABE_ITO["orange"]}


#: Buttons as wide as their label, so that presenter mode's larger text is not cut off.
_FIT = widgets.Layout(width="auto")
#: A control that fills the column beside the figure.
_FULL = widgets.Layout(width="100%")


def _words(key: str, /, **values: object) -> str:
    return wording.phrase("ultrasound_trainer", key, **values)


def _simulated() -> str:
    """The label every simulated image carries: it is drawn by a model, not a patient's."""
    return _words("simulated")


def messages() -> dict[str, str]:
    """What the trainer says to the student (``data/messages.toml``, table ``ultrasound``), with ``{fields}``."""
    return dict(datafile.load("messages")["ultrasound"])


def _labelled(text: str, control: widgets.Widget) -> widgets.VBox:
    """A control under its label, both the column's full width: long labels wrap, and the sliders line up."""
    a11y.label(control, text)
    return widgets.VBox([widgets.HTML(text), control], layout=_FULL)


def _closed(points: np.ndarray) -> np.ndarray:
    return np.vstack([points, points[:1]]) if len(points) else np.empty((0, 2))


@references.shows(lambda: ())
class UltrasoundTrainer(Displayable):
    """Trace multifidus on both sides of a simulated transverse image, then check against the truth.

    Parameters
    ----------
    case_number : int
        The practice case of :data:`spinelab.multifidus.ultrasound.CASE_SPECS` (from 1).
    """

    def __init__(self, case_number: int = 2) -> None:
        self.case = ultrasound.case(case_number)
        self.points: dict[str, list[tuple[float, float]]] = {side: [] for side in ultrasound.SIDES}
        self.last_comparison: ultrasound.Comparison | None = None
        #: The slider values of the oval drawn as a preview (None until a slider moves).
        self.oval: tuple[float, ...] | None = None
        case = self.case
        alt = _words("trainer_alt_text", simulated=_simulated(), level=case.level)
        self.live = LiveFigure(alt, figsize=(7.0, 4.6))
        ax = self.live.axes[0]
        ax.imshow(case.image(), cmap="gray", vmin=0, vmax=1, extent=(0, case.width_cm, case.depth_cm, 0),
                  interpolation="nearest")
        ax.set(xlabel=_words("across_axis"), ylabel=_words("depth_axis"),
               title=_words("trainer_title", number=case.number, level=case.level, simulated=_simulated()))
        ax.title.set_fontsize("small")
        ax.text(0.5, 0.02, _words("orientation"), transform=ax.transAxes, ha="center",
                color="white", fontsize="x-small")
        self.lines = {side: ax.plot([], [], "o-", color=SIDE_COLOURS[side], markersize=4, linewidth=1.5)[0]
                      for side in ultrasound.SIDES}
        self.truth = {side: ax.plot(*_closed(case.outline(side)).T, "--", color=style.OKABE_ITO["yellow"],
                                    linewidth=1.2, visible=False)[0] for side in ultrasound.SIDES}
        # The oval the sliders set, drawn as they move, so keyboard users see it before they use it.
        (self.preview,) = ax.plot([], [], ":", color=style.OKABE_ITO["sky_blue"], linewidth=1.5)
        self.live.dynamic(*self.lines.values(), *self.truth.values(), self.preview)
        self.live.render()
        self.events = Event(source=self.live.image, watched_events=["click"])
        self.events.on_dom_event(self.handle_click)

        self.side = widgets.ToggleButtons(options=list(ultrasound.SIDES), description=_words("tracing"),
                                          style={"description_width": "initial", "button_width": "auto"})
        self.undo_button = widgets.Button(description=_words("undo"), layout=_FIT)
        self.clear_button = widgets.Button(description=_words("clear"), layout=_FIT)
        self.undo_button.on_click(lambda _b: self.undo())
        self.clear_button.on_click(lambda _b: self.clear())
        self.depth = widgets.BoundedFloatText(value=case.depth_cm, min=0.0, max=30.0, step=0.5,
                                              layout=widgets.Layout(width="8em"))
        slider = {"continuous_update": False, "step": 0.05, "layout": _FULL}
        self.sliders = {
            "centre_x": widgets.FloatSlider(value=3.0, min=0.5, max=case.width_cm - 0.5, **slider),
            "centre_depth": widgets.FloatSlider(value=2.5, min=0.5, max=case.depth_cm - 0.5, **slider),
            "half_width": widgets.FloatSlider(value=1.2, min=0.3, max=3.0, **slider),
            "half_height": widgets.FloatSlider(value=1.0, min=0.3, max=3.0, **slider),
        }
        for slider in self.sliders.values():
            slider.observe(lambda _change: self._show_oval(), names="value")
        self.fit_button = widgets.Button(description=_words("use_oval"), layout=_FIT)
        self.fit_button.on_click(lambda _b: self.use_sliders())
        self.check_button = widgets.Button(description=_words("check"), button_style="info", layout=_FIT)
        self.check_button.on_click(lambda _b: self.check())
        self.message = widgets.HTML()
        self.feedback = widgets.HTML()
        # Beside the figure, so that the image, the oval the sliders draw and the messages are seen together; a
        # plain box, not an Accordion (the Accordion's title fails colour contrast in Voila).
        keyboard = [widgets.HTML(_words("without_mouse")),
                    *(_labelled(_words(name), slider) for name, slider in self.sliders.items()),
                    self.fit_button]
        tracing = widgets.HBox([self.undo_button, self.clear_button], layout=widgets.Layout(flex_flow="row wrap"))
        beside = [self.side, tracing, *keyboard, _labelled(_words("image_depth"), self.depth),
                  widgets.HBox([self.check_button]), self.message]
        how = widgets.HTML(_words("how"))
        self.panel = FigurePanel(
            self.live, [how],
            caption=_words("caption", simulated=_simulated()), below=[self.feedback], beside=beside)
        self.view = self.panel
        self._set_text()

    # ---------------------------------------------------------------- input
    def handle_click(self, event: dict) -> None:
        """An ipyevents click: ``dataX``/``dataY``, pixels of the figure's PNG, become a point of the current side."""
        if "dataX" not in event or "dataY" not in event:
            return
        height = self.live.figure.bbox.height
        x, depth = self.live.axes[0].transData.inverted().transform((float(event["dataX"]),
                                                                      height - float(event["dataY"])))
        self.add_point(x, depth)

    def add_point(self, x: float, depth: float) -> bool:
        """Add a point (cm) to the current side's outline; a point off the image gives a message instead."""
        case = self.case
        if not (0 <= x <= case.width_cm and 0 <= depth <= case.depth_cm):
            self._say(messages()["outside_image"], error=True)
            return False
        self.points[self.side.value].append((float(x), float(depth)))
        self._say(messages()["point_added"].format(count=len(self.points[self.side.value]), side=self.side.value))
        self._redraw()
        return True

    def undo(self) -> None:
        """Remove the current side's last point."""
        if self.points[self.side.value]:
            self.points[self.side.value].pop()
        self._redraw()

    def clear(self) -> None:
        """Remove every point of the current side."""
        self.points[self.side.value].clear()
        self._redraw()

    def _show_oval(self) -> None:
        values = {name: slider.value for name, slider in self.sliders.items()}
        self.preview.set_data(*_closed(ultrasound.ellipse_outline(**values)).T)
        self.oval = tuple(values.values())
        self._refresh()

    def _refresh(self) -> None:
        """Show the frame of the outlines, the oval and the truth as they are (every one named in the state)."""
        points = tuple((side, tuple(self.points[side])) for side in ultrasound.SIDES)
        truth = tuple(line.get_visible() for line in self.truth.values())
        self.live.refresh(state=(self.case.number, points, self.oval, truth))

    def use_sliders(self) -> None:
        """Replace the current side's outline with the oval set by the sliders."""
        values = {name: slider.value for name, slider in self.sliders.items()}
        self.points[self.side.value] = [tuple(point) for point in ultrasound.ellipse_outline(**values, vertices=24)]
        self._say(messages()["oval_used"].format(side=self.side.value))
        self._redraw()

    # ---------------------------------------------------------------- checking
    def check(self) -> ultrasound.Comparison | None:
        """Measure both outlines and compare them with the truth; bad input gives a message, not an error."""
        problem = self.problem()
        if problem:
            self._say(problem, error=True)
            self.feedback.value = ""
            return None
        try:
            scale = self.depth.value / self.case.depth_cm  # the depth read off the screen sets the scale
            left = ultrasound.check_outline(self.points["left"], self.case.width_cm, self.case.depth_cm, "left")
            right = ultrasound.check_outline(self.points["right"], self.case.width_cm, self.case.depth_cm, "right")
            comparison = ultrasound.Comparison(self.case, ultrasound.polygon_area(left) * scale ** 2,
                                               ultrasound.polygon_area(right) * scale ** 2)
        except ValueError:  # a point outside the image: add_point never lets one in, but a script could
            self._say(messages()["outside_image"], error=True)
            self.feedback.value = ""
            return None
        self.last_comparison = comparison
        for line in self.truth.values():
            line.set_visible(True)
        self._refresh()
        self._say(messages()["checked"])
        self.feedback.value = "<p>" + "<br>".join(html.escape(line) for line in comparison.feedback().splitlines()) \
            + "</p>"
        self._set_text()
        return comparison

    def problem(self) -> str:
        """What stops the tracing from being measured, as the student's message (``data/messages.toml``); "" if
        nothing does."""
        words = messages()
        if self.depth.value <= 0:
            return words["zero_depth"]
        for side in ultrasound.SIDES:
            points = self.points[side]
            if len(points) < 3:
                return words["too_few_points"].format(side=side, count=len(points))
            if self_intersects(np.array(points, dtype=float)):
                return words["crosses_itself"].format(side=side)
        return ""

    def _say(self, text: str, error: bool = False) -> None:
        self.message.value = f"<p>{mark('warning', text) if error else html.escape(text)}</p>"

    def _redraw(self) -> None:
        for side, line in self.lines.items():
            points = np.array(self.points[side]) if self.points[side] else np.empty((0, 2))
            line.set_data(*_closed(points).T if len(points) >= 3 else points.T)
        self._refresh()
        self._set_text()

    def _set_text(self) -> None:
        counts = ", ".join(_words("side_points", side=side, count=len(points)) for side, points in self.points.items())
        result = self.last_comparison.feedback().replace("\n", " ") if self.last_comparison else _words("hidden")
        self.panel.text = _words("plain", simulated=_simulated(), number=self.case.number, level=self.case.level,
                                 counts=counts, result=result)

    def describe(self) -> PlainText:
        """The current result in words (after :meth:`check`)."""
        # Three words, kept here: in data/wording.toml the voice test would read "not checked" as talk about sources.
        return PlainText(self.last_comparison.feedback() if self.last_comparison else "Not checked yet.")


def error_versus_asymmetry(case_number: int = 1, click_errors_mm: tuple[float, ...] = (0.5, 1.0, 2.0, 3.0),
                           seed: int = 0) -> list[tuple[float, float]]:
    """For each click error (mm), the spread (SD, % points) of the asymmetry in simulated repeat tracings."""
    item = ultrasound.case(case_number)
    return [(error, float(np.std(ultrasound.repeat_tracings(item, error / 10.0, seed=seed))))
            for error in click_errors_mm]


def spread_summary(case_number: int = 1, seed: int = 0) -> PlainText:
    """The simulated spread of the asymmetry when a symmetrical muscle is traced again and again, in words."""
    rows = error_versus_asymmetry(case_number, seed=seed)
    parts = "; ".join(_words("spread_part", error=f"{error:g}", spread=f"{spread:.1f}") for error, spread in rows)
    return PlainText(_words("spread_summary", number=case_number, parts=parts))


def handout_figure(case_number: int = 2) -> LiveFigure:
    """Handout: a simulated image with its true outlines, beside the asymmetry that measurement error can create."""
    item = ultrasound.case(case_number)
    rows = error_versus_asymmetry(1)
    asymmetry = f"{item.true_asymmetry:.0f}"
    parts = ", ".join(_words("handout_part", error=f"{error:g}", two_sd=f"{2 * spread:.0f}") for error, spread in rows)
    alt = _words("handout_alt_text", simulated=_simulated(), number=item.number, level=item.level,
                 left=f"{item.true_area('left'):.2f}", right=f"{item.true_area('right'):.2f}", asymmetry=asymmetry,
                 parts=parts)
    live = LiveFigure(alt, figsize=(11.0, 4.0), ncols=2)
    image_ax, error_ax = live.axes
    image_ax.imshow(item.image(), cmap="gray", vmin=0, vmax=1, extent=(0, item.width_cm, item.depth_cm, 0))
    for side in ultrasound.SIDES:
        image_ax.plot(*_closed(item.outline(side)).T, color=SIDE_COLOURS[side], linewidth=1.5,
                      label=_words("true_area", side=side, area=f"{item.true_area(side):.2f}"))
    image_ax.legend(loc="lower right", fontsize="x-small")
    image_ax.set(xlabel=_words("across_axis"), ylabel=_words("depth_short_axis"),
                 title=_words("handout_title", level=item.level))
    errors = [error for error, _ in rows]
    error_ax.bar([_words("click_error", error=f"{error:g}") for error in errors], [2 * spread for _, spread in rows],
                 color=style.STRUCTURE_GREY, edgecolor=style.STRUCTURE_EDGE)
    error_ax.axhline(item.true_asymmetry, color=style.OKABE_ITO["vermillion"], linestyle="--",
                     label=_words("true_asymmetry", number=item.number, asymmetry=asymmetry))
    error_ax.set(xlabel=_words("click_error_axis"), ylabel=_words("error_axis"), title=_words("error_title"))
    error_ax.legend(loc="upper left", fontsize="x-small")
    live.render()
    return live


@references.shows(lambda: ())
class CaseGallery(Displayable):
    """The answer for a case after tracing it: true outlines and areas (a static figure)."""

    def __init__(self, case_number: int) -> None:
        self.figure = handout_figure(case_number)
        self.view = Display(FigurePanel(self.figure).widget, _words("figure_plain", alt_text=self.figure.alt_text),
                            self.figure.alt_text)
