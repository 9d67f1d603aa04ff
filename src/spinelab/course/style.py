"""One colour-blind-safe look for every figure of the course.

The palette is Okabe & Ito's (2008) eight colours, which stay distinguishable
under the common colour-vision deficiencies. Each concept the course plots has
one colour, so a muscle layer or a study group looks the same in every notebook.

Presenter mode (larger fonts and thicker lines for a projector) is switched on
by :func:`use` with ``presenter=True`` or by the environment variable
``SPINELAB_PRESENTER=1`` (read by :mod:`spinelab.course.settings`). The mode :func:`use` applied is kept here, so
:func:`presenter_on` and :func:`figure_scale` never guess it from matplotlib's settings.
"""

from __future__ import annotations

import matplotlib as mpl

from spinelab.course import settings

#: Okabe-Ito palette, by the colour names of the original publication.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

#: One colour per muscle layer (and the abdominal wall, grouped on its own).
LAYER_COLOURS: dict[str, str] = {
    "superficial": OKABE_ITO["orange"],
    "intermediate": OKABE_ITO["sky_blue"],
    "deep": OKABE_ITO["bluish_green"],
    "abdominal wall": OKABE_ITO["reddish_purple"],
}

#: Bergmark's (1989) two systems.
BERGMARK_COLOURS: dict[str, str] = {
    "local": OKABE_ITO["bluish_green"],
    "global": OKABE_ITO["vermillion"],
}

#: One colour per study group (Hides et al. trials).
GROUP_COLOURS: dict[str, str] = {
    "control": OKABE_ITO["vermillion"],
    "specific exercise": OKABE_ITO["blue"],
}

#: Colour is never the only cue: groups also differ by marker and line style.
GROUP_MARKERS: dict[str, str] = {"control": "o", "specific exercise": "s"}
GROUP_LINESTYLES: dict[str, str] = {"control": "--", "specific exercise": "-"}

#: Colours for the quantities of the guarding and recovery models.
SIGNAL_COLOURS: dict[str, str] = {
    "injury": OKABE_ITO["black"],
    "pain": OKABE_ITO["reddish_purple"],
    "guarding": OKABE_ITO["vermillion"],
    "range of motion": OKABE_ITO["blue"],
    "multifidus": OKABE_ITO["bluish_green"],
}

#: A student's own plan or guess, drawn beside the study groups: black, dash-dot.
PLAN_COLOUR = OKABE_ITO["black"]
PLAN_STYLE = "-."

#: Colour of anything drawn for orientation only (bone, fascia, skin).
STRUCTURE_GREY = "#BBBBBB"
STRUCTURE_EDGE = "#555555"

PRESENTER_ENV = settings.PRESENTER

_NORMAL = {"font": 12.0, "line": 2.0, "marker": 6.0}
_PRESENTER = {"font": 18.0, "line": 3.5, "marker": 10.0}
#: The mode :func:`use` last applied (None: not yet applied, the environment decides).
_applied: dict[str, bool | None] = {"presenter": None}


def presenter_requested() -> bool:
    """Return True when the environment asks for presenter mode.

    Returns
    -------
    bool
        True if ``SPINELAB_PRESENTER`` is set to a yes (:func:`spinelab.course.settings.parse_flag`).
    """
    return settings.presenter()


def presenter_on() -> bool:
    """Whether presenter mode is on: as :func:`use` last applied it, else as the environment asks."""
    applied = _applied["presenter"]
    return presenter_requested() if applied is None else applied


def rc_params(presenter: bool = False) -> dict[str, object]:
    """Matplotlib settings of the course style.

    Parameters
    ----------
    presenter : bool
        Larger fonts and thicker lines for a projector.

    Returns
    -------
    dict
        rcParams to pass to ``matplotlib.rcParams.update``.
    """
    size = _PRESENTER if presenter else _NORMAL
    font = size["font"]
    return {
        "axes.prop_cycle": mpl.cycler(
            color=[OKABE_ITO[name] for name in ("blue", "vermillion", "bluish_green",
                                                "orange", "reddish_purple", "sky_blue",
                                                "black", "yellow")]
        ),
        "font.size": font,
        "axes.titlesize": font * 1.15,
        "axes.labelsize": font,
        "xtick.labelsize": font * 0.9,
        "ytick.labelsize": font * 0.9,
        "legend.fontsize": font * 0.9,
        "figure.titlesize": font * 1.25,
        "lines.linewidth": size["line"],
        "lines.markersize": size["marker"],
        "axes.linewidth": 1.2 if presenter else 0.8,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "legend.frameon": False,
        "figure.dpi": 100,
        "savefig.dpi": 300,
        "savefig.bbox": "tight",
        "svg.hashsalt": "spinelab",
        "font.family": "DejaVu Sans",
    }


def figure_scale() -> float:
    """How much larger than the desk style the active fonts are (1.5 in presenter mode).

    Figures are enlarged by this factor so that a layout that fits at the desk fits on the projector too.
    """
    return _PRESENTER["font"] / _NORMAL["font"] if presenter_on() else 1.0


def use(presenter: bool | None = None) -> bool:
    """Apply the course style to matplotlib.

    Parameters
    ----------
    presenter : bool or None
        True for presenter mode, False for the desk style; None reads
        ``SPINELAB_PRESENTER`` from the environment.

    Returns
    -------
    bool
        Whether presenter mode is now on.
    """
    if presenter is None:
        presenter = presenter_requested()
    mpl.rcParams.update(rc_params(presenter))
    _applied["presenter"] = bool(presenter)
    return bool(presenter)
