"""What a positive test means: a post-test probability calculator with a probability bar.

:class:`PostTestCalculator` takes a pre-test probability (slider), a likelihood ratio (one from
``data/bedside_tests.toml`` with the result it applies to, or the student's own) and shows the post-test
probability in words and on a bar from 0 to 100 %. The arithmetic is :mod:`spinelab.multifidus.post_test`; the
words shown are in ``data/wording.toml`` ``[bedside_figures]``.
"""

from __future__ import annotations

import ipywidgets as widgets
from matplotlib.patches import FancyArrowPatch

from spinelab.course import references, style, wording
from spinelab.course.a11y import plain_text
from spinelab.course.display import Displayable, FigurePanel
from spinelab.course.live import LiveFigure
from spinelab.course.validation import check_number
from spinelab.multifidus import bedside, post_test


def _words(key: str, /, **values: object) -> str:
    return wording.phrase("bedside_figures", key, **values)


def _label(figure: bedside.Figure) -> str:
    return f"{figure.quantity}: LR {figure.number()} {references.cite(figure.source)}"


@references.shows(lambda: (figure.source for figure in bedside.likelihood_ratios()))
class PostTestCalculator(Displayable):
    """Pre-test probability, a likelihood ratio and the result: the post-test probability, in text and on a bar.

    Parameters
    ----------
    pre_test_percent : float
        The starting pre-test probability, % (1 to 99).
    figure_id : str or None
        A likelihood ratio of :func:`spinelab.multifidus.bedside.likelihood_ratios` by id, or None to start
        with your own likelihood ratio.
    own_ratio : float
        The starting value of your own likelihood ratio.
    """

    def __init__(self, pre_test_percent: float = 33.0, figure_id: str | None = "cpr_success_plr",
                 own_ratio: float = 1.0) -> None:
        pre_test_percent = check_number("pre_test_percent", pre_test_percent, 1.0, 99.0)
        own_ratio = check_number("own_ratio", own_ratio, 0.01, 100.0)
        self.ratios = {_label(item): item for item in bedside.likelihood_ratios()}
        #: The choice of the test list that stands for the student's own likelihood ratio.
        self.own_choice = _words("own")
        choice = self.own_choice if figure_id is None else _label(bedside.figure(figure_id))
        self.pre_test = widgets.FloatSlider(value=pre_test_percent, min=1, max=99, step=1, readout_format=".0f",
                                            description=_words("pre_test"), continuous_update=True,
                                            style={"description_width": "initial"},
                                            layout=widgets.Layout(width="480px"))
        self.test = widgets.Dropdown(options=[*self.ratios, self.own_choice], value=choice,
                                     description=_words("test_result"), style={"description_width": "initial"},
                                     layout=widgets.Layout(width="100%"))
        self.own = widgets.FloatLogSlider(value=own_ratio, base=10, min=-2, max=2, step=0.01,
                                          description=_words("likelihood_ratio"),
                                          style={"description_width": "initial"}, disabled=choice != self.own_choice)
        self.readout = widgets.HTML()
        self.live = LiveFigure(_words("alt_text"), figsize=(8.0, 1.9))
        ax = self.live.axes[0]
        ax.barh([0], [100], color=style.STRUCTURE_GREY, height=0.5)
        ax.set(xlim=(0, 100), ylim=(-0.8, 0.8), yticks=[], xlabel=_words("probability_axis"))
        for position in (25, 50, 75):
            ax.axvline(position, color="white", linewidth=1)
        self.pre_marker = ax.plot([], [], "v", color=style.OKABE_ITO["black"], markersize=12,
                                  label=_words("before"))[0]
        self.post_marker = ax.plot([], [], "o", color=style.OKABE_ITO["vermillion"], markersize=12,
                                   markeredgecolor="black", label=_words("after"))[0]
        self.arrow = FancyArrowPatch((0, 0), (0, 0), arrowstyle="-|>", mutation_scale=15,
                                     color=style.OKABE_ITO["vermillion"])
        ax.add_patch(self.arrow)
        self.labels = [ax.text(0, 0.45, "", ha="center", fontsize="small"),
                       ax.text(0, -0.7, "", ha="center", fontsize="small", color=style.OKABE_ITO["vermillion"])]
        ax.legend(loc="upper left", fontsize="x-small", ncol=2, bbox_to_anchor=(0, 1.35), frameon=False)
        self.live.dynamic(self.pre_marker, self.post_marker, self.arrow, *self.labels)
        for control in (self.pre_test, self.test, self.own):
            control.observe(self._update, names="value")
        # After every redraw the readout's words go to the panel's polite live region, for screen readers.
        self.live.describe = lambda: plain_text(self.readout.value)
        self.panel = FigurePanel(self.live, [self.pre_test, self.test, self.own, self.readout],
                                 caption=_words("caption"))
        self.view = self.panel
        self._update()

    @property
    def likelihood_ratio(self) -> float:
        """The likelihood ratio in use."""
        return self.own.value if self.test.value == self.own_choice else self.ratios[self.test.value].value

    def calculation(self) -> post_test.PostTest:
        """The current calculation."""
        chosen = self.ratios.get(self.test.value)
        target = chosen.target if chosen else _words("own_target")
        result = chosen.result if chosen else _words("own_result")
        return post_test.PostTest(self.pre_test.value / 100.0, self.likelihood_ratio, result, target)

    def _update(self, _change: object = None) -> None:
        self.own.disabled = self.test.value != self.own_choice
        calc = self.calculation()
        before, after = 100 * calc.pre_test, 100 * calc.post_test
        self.pre_marker.set_data([before], [0.3])
        self.post_marker.set_data([after], [0])
        self.arrow.set_positions((before, 0.3), (after, 0.05))
        self.labels[0].set(x=before, text=_words("before_label", percent=f"{before:.0f}"))
        self.labels[1].set(x=after, text=_words("after_label", percent=f"{after:.0f}"))
        sentence = calc.sentence()
        self.readout.value = f"<p>{sentence}</p>"
        self.live.alt_text = _words("moved_alt_text", before=f"{before:.0f}", after=f"{after:.0f}",
                                    ratio=f"{calc.likelihood_ratio:g}")
        self.live.refresh(state=(calc.pre_test, calc.likelihood_ratio))
        if hasattr(self, "panel"):
            self.panel.text = _words("plain", sentence=sentence)

    def set(self, pre_test_percent: float | None = None, figure_id: str | None = None,
            own_ratio: float | None = None) -> PostTestCalculator:
        """Change the inputs as a student would; returns the calculator (for a cell to show)."""
        if pre_test_percent is not None:
            self.pre_test.value = pre_test_percent
        if own_ratio is not None:
            self.test.value = self.own_choice
            self.own.value = own_ratio
        elif figure_id is not None:
            self.test.value = _label(bedside.figure(figure_id))
        return self
