"""The student's self-check results in every notebook (answered, correct, total), with a reset (notebook 00).

:class:`ProgressPanel` reads the progress store (:mod:`spinelab.course.progress`; in class mode the student's file
once the page gives their id, :mod:`spinelab.course.class_progress`); :func:`spinelab.course.selfcheck.progress`
shows it. Its words are in ``data/wording.toml`` ``[progress_panel]``.
"""

from __future__ import annotations

import ipywidgets as widgets

from spinelab.course import class_progress, quiz, wording
from spinelab.course.display import Display, Displayable
from spinelab.course.marks import mark
from spinelab.course.progress import ProgressError, ProgressStore


def _wide() -> widgets.Layout:
    return widgets.Layout(width="auto")


def _words(key: str, /, **values: object) -> str:
    return wording.phrase("progress_panel", key, **values)


class ProgressPanel(Displayable):
    """The student's self-check results in every notebook (answered, correct, total), with a reset.

    Parameters
    ----------
    store : ProgressStore, optional
        Where progress is kept; by default the student's progress file (in class mode, the student's file in the
        class's folder once the page gives their id).
    """

    def __init__(self, store: ProgressStore | None = None) -> None:
        self.store = store if store is not None else class_progress.store()
        self.table = widgets.HTML()
        self.message = widgets.HTML()
        self.refresh_button = widgets.Button(description=_words("refresh"), icon="refresh", layout=_wide())
        self.reset_button = widgets.Button(description=_words("reset"), icon="trash", layout=_wide())
        self.confirm_button = widgets.Button(description=_words("confirm"), button_style="danger", layout=_wide())
        self.cancel_button = widgets.Button(description=_words("cancel"), layout=_wide())
        self.confirmation = widgets.HBox(
            [widgets.HTML(f"<b>{_words('question')}</b>"), self.confirm_button, self.cancel_button],
            layout=widgets.Layout(display="none"))
        self.refresh_button.on_click(lambda _button: self.refresh())
        self.reset_button.on_click(lambda _button: self._ask())
        self.cancel_button.on_click(lambda _button: self._close())
        self.confirm_button.on_click(lambda _button: self.reset())
        self.refresh()
        hidden = class_progress.attach(self.use_store) if store is None else []
        self.view = Display(
            widgets.VBox([*hidden, self.table, widgets.HBox([self.refresh_button, self.reset_button]),
                          self.confirmation, self.message]),
            _words("plain"), _words("static"))

    def rows(self) -> list[tuple[str, int, int, int]]:
        """``(notebook, answered, correct, total)`` for every notebook with questions."""
        rows = []
        for name in quiz.available():
            ids = [question.id for question in quiz.load(name).questions]
            if ids:
                rows.append((name, *self.store.counts(name, ids), len(ids)))
        return rows

    def refresh(self) -> None:
        """Read the progress file again and redraw the table."""
        try:
            rows = self.rows()
        except (ProgressError, ValueError) as error:
            self.table.value = f"<p>{mark('warning', _words('not_shown', error=error))}</p>"
            return
        body = "".join(f"<tr><td>{name}</td><td>{answered}</td><td>{correct}</td><td>{total}</td></tr>"
                       for name, answered, correct, total in rows)
        header = "".join(f"<th>{column}</th>" for column in wording.phrases("progress_panel", "header"))
        self.table.value = (
            f"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>"
            f"<p><small>{_words('kept_in', path=self.store.path)}</small></p>"
            + "".join(f"<p><small>{mark('warning', notice)}</small></p>" for notice in self.store.notices))

    def use_store(self, store: ProgressStore) -> None:
        """Count the progress in ``store`` from now on (class mode: the student's file)."""
        self.store = store
        self.refresh()

    def _ask(self) -> None:
        self.confirmation.layout.display = None
        self.message.value = ""

    def _close(self) -> None:
        self.confirmation.layout.display = "none"

    @property
    def confirming(self) -> bool:
        """Whether the confirmation step is shown."""
        return self.confirmation.layout.display != "none"

    def reset(self) -> None:
        """Erase every saved answer (the confirmation button calls this), then redraw."""
        self._close()
        try:
            self.store.reset()
        except ProgressError as error:
            self.message.value = f"<p>{mark('warning', str(error))}</p>"
            return
        self.message.value = f"<p>{_words('erased')}</p>"
        self.refresh()
