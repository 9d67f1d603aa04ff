"""The STarT Back screen of notebook 05: nine labelled controls, a Score button, and the scores, stratum and offer.

Items 1-8 are checkboxes (ticked = agree); item 9 is a dropdown with the five bothersomeness answers, of which
"very much" and "extremely" count as positive (:func:`spinelab.clinic.start_back.bothersome`). Pressing **Score**
scores the answers with :func:`spinelab.clinic.start_back.score`; an unanswered item 9 gives a message, never a
traceback. Every control has a visible description, which the accessibility helper also gives it as its accessible
name, and all are reachable with Tab and operable with Space/Enter and the arrow keys. In static mode (slides) the
screen is Markdown: the items by domain, the scoring rule and the strata. The words around the tool's items are in
``data/wording.toml`` ``[start_back_screen]``.
"""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as widgets

from spinelab.clinic import start_back
from spinelab.course import references, style, wording
from spinelab.course.display import Display, Displayable, markdown_html

#: Colour (Okabe-Ito) of each stratum; the text label is always shown with it.
STRATUM_COLOURS = {start_back.LOW: style.OKABE_ITO["bluish_green"], start_back.MEDIUM: style.OKABE_ITO["orange"],
                   start_back.HIGH: style.OKABE_ITO["vermillion"]}



def _words(key: str, /, **values: object) -> str:
    return wording.phrase("start_back_screen", key, **values)


def not_scored() -> str:
    """What the result says before the answers are scored, or after one changes."""
    return _words("not_scored")


def item_9_missing() -> str:
    """The message shown when item 9 has no answer."""
    return _words("item_9_missing")


def rule() -> str:
    """The scoring rule in words, with the tool's cut-offs."""
    return _words("rule", low_max=start_back.LOW_MAX_OVERALL, high_min=start_back.HIGH_MIN_DISTRESS)


def _introduction() -> str:
    return _words("introduction", tool=start_back.tool().name, citation=references.cite(*start_back.tool().sources),
                  url=start_back.official_form(), attribution=start_back.attribution())


def screen_markdown() -> str:
    """The screen for static exports: the items by domain, the scoring rule and the strata with their offers."""
    return "\n\n".join([_introduction(), str(start_back.items_markdown()).split("\n\n")[0],
                        _words("scoring", rule=rule()), str(start_back.strata_table())])


@references.shows(start_back.citation_keys)
class StartBackScreen(Displayable):
    """Nine labelled controls in the tool's order, a Score button, and the result below them."""

    def __init__(self) -> None:
        items = start_back.items()
        self.checkboxes = [widgets.Checkbox(value=False, description=_words("agrees", number=item.number,
                                                                                 domain=item.domain),
                                            indent=False, layout=widgets.Layout(width="auto"))
                           for item in items[:-1]]
        graded = items[-1]
        choices = [(_words("choose"), None), *((answer, answer) for answer in graded.answers)]
        self.bothersomeness = widgets.Dropdown(options=choices, value=None,
                                               description=f"{graded.number}. {graded.domain.capitalize()}",
                                               style={"description_width": "initial"},
                                               layout=widgets.Layout(width="auto"))
        self.button = widgets.Button(description=_words("score"), button_style="primary",
                                     tooltip=_words("score_tooltip"), icon="calculator")
        self.button.on_click(lambda _button: self.press())
        self.result = widgets.HTML(f"<p>{not_scored()}</p>")
        for control in (*self.checkboxes, self.bothersomeness):
            control.observe(lambda _change: self._stale(), names="value")
        self.scores: start_back.Scores | None = None
        self.message = ""
        self.widget = widgets.VBox([widgets.HTML(markdown_html(_introduction())), *self.checkboxes,
                                    self.bothersomeness, self.button, self.result])
        self.view = Display(self.widget, self._text(), screen_markdown())

    @property
    def answers(self) -> tuple[bool, ...] | None:
        """The nine answers as booleans, or None while item 9 has no answer."""
        if self.bothersomeness.value is None:
            return None
        return (*(box.value for box in self.checkboxes), start_back.bothersome(self.bothersomeness.value))

    def set_answers(self, agrees: Sequence[bool], bothersomeness: str) -> None:
        """Set items 1-8 (True = agree) and item 9 (one of its five answers), as a student clicking them.

        Raises
        ------
        ValueError
            If ``agrees`` does not hold eight True/False values or ``bothersomeness`` is not one of item 9's answers.
        """
        if len(agrees) != len(self.checkboxes) or not all(isinstance(value, bool) for value in agrees):
            raise ValueError(f"agrees must be {len(self.checkboxes)} True/False values for items 1-8; got {agrees!r}")
        start_back.bothersome(bothersomeness)
        for box, value in zip(self.checkboxes, agrees, strict=True):
            box.value = value
        self.bothersomeness.value = bothersomeness

    def clear(self) -> None:
        """Untick items 1-8 and unset item 9."""
        for box in self.checkboxes:
            box.value = False
        self.bothersomeness.value = None

    def press(self) -> start_back.Scores | None:
        """Score the answers (the Score button); show the scores, stratum and offer, or a message. Return the scores."""
        answers = self.answers
        if answers is None:
            self.scores, self.message = None, item_9_missing()
            self.result.value = f"<p role='alert'><b>{self.message}</b></p>"
        else:
            # Checkbox values are always bool and item 9 maps through bothersome(), so score() cannot refuse them.
            self.scores, self.message = start_back.score(answers), ""
            self.result.value = self._result_html(self.scores)
        self.view.text = self._text()
        self.view.announce(self._sentence())
        return self.scores

    def _stale(self) -> None:
        self.scores, self.message = None, ""
        self.result.value = f"<p>{not_scored()}</p>"
        self.view.text = self._text()

    @staticmethod
    def _result_html(scores: start_back.Scores) -> str:
        colour = STRATUM_COLOURS[scores.stratum]
        found = start_back.stratum(scores.stratum)
        return (f"<div style='border-left:8px solid {colour};padding-left:8px'>"
                f"<p>{_words('scores', overall=scores.overall, subscale=scores.subscale)} "
                f"<span style='background:{colour};color:#000000;padding:1px 6px'><b>{found.label.upper()}</b></span>"
                f" ({found.rule}).</p><p>{_words('offered', offer=found.offer, citation=found.citation)}</p>"
                f"<p><small>{_words('group_not_patient')}</small></p></div>")

    def _sentence(self) -> str:
        if self.scores is None:
            return self.message or not_scored()
        return _words("sentence", overall=self.scores.overall, subscale=self.scores.subscale,
                      stratum=start_back.stratum(self.scores.stratum).label)

    def _text(self) -> str:
        return _words("plain", sentence=self._sentence())
