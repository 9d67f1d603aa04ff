"""The printable student workbook: one PDF of every notebook's core, built offline (``make workbook``).

For each course notebook, in order: its core, that is its Markdown and the Markdown its code prints (tables,
study summaries), less the optional parts (from a heading "Go deeper", "Practice" or "For the clinic" to the next
heading of the same level) and any ``<details>`` block; its figures, each with its alt text as the caption (the
300-dpi handout PNG of ``figures/`` where the alt texts match, else the notebook's stored image); its self-check
questions where the core shows them, without answers or feedback; and its exercises, with what their rubric marks
and room to write. The handout figures of a notebook that its core does not show (a reveal, for instance) follow
its questions. The workbook's own words live in ``data/workbook.toml``. The PDF is drawn with fpdf2 in DejaVu Sans,
the font matplotlib ships, so nothing is fetched.

Run ``python -m spinelab.publish.workbook build/workbook`` (``make workbook``).
"""

from __future__ import annotations

import argparse
import ast
import base64
import html
import re
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import matplotlib as mpl
import mistune
import nbformat
from fpdf import FPDF, FontFace, TextStyle

from spinelab.course import datafile, quiz
from spinelab.publish.licence import CONTENT_LICENCE
from spinelab.publish.notebooks import FOLDER, course_notebooks
from spinelab.publish.outputs import OutputFolderError, claim_folder, refuse

#: The name the workbook marks its folder with.
TOOL = "workbook"
#: The file written into the folder.
FILENAME = "spinelab-workbook.pdf"
#: The handout figures and their README (alt text, what each shows).
FIGURES = Path(__file__).resolve().parents[3] / "figures"
#: Headings that open an optional part of a notebook, and the sections after its core (read online).
OPTIONAL = re.compile(r"^(?:\d+\.\s*)?(?:Go deeper|Practice|For the clinic|References|Licence)\b")
_HEADING = re.compile(r"^(#{1,6})\s+(.+)$")
_ALT_PREFIX = re.compile(r"^\[[^\]]*\]\s*")
_FONT = "DejaVu"
_MONO = "DejaVuMono"
_WIDTH = 180  # the text width on an A4 page with 15 mm margins (mm)
_markdown = mistune.create_markdown(plugins=["table", "strikethrough"])
_DETAILS = re.compile(r"<details>.*?</details>", re.S)
_INK = "#1f3a5f"
#: How the notebooks' HTML is drawn: headings in one dark ink, code in DejaVu Sans Mono (it has every glyph used).
_TAG_STYLES = {
    "code": FontFace(family=_MONO),
    "pre": TextStyle(font_family=_MONO, t_margin=2, b_margin=2),
    **{f"h{level}": TextStyle(font_family=_FONT, font_style="B", color=_INK, font_size_pt=size, t_margin=4,
                               b_margin=1.5)
       for level, size in ((1, 19), (2, 15), (3, 12.5), (4, 11), (5, 10), (6, 10))},
}
#: Lines ruled for each exercise's answer.
ANSWER_LINES = 14


@dataclass(frozen=True)
class Handout:
    """A handout figure of ``figures/``: its file, its alt text and whether it is for instructors only."""

    path: Path
    alt_text: str
    instructors_only: bool


def handouts(folder: Path = FIGURES) -> dict[str, Handout]:
    """The handout figures by name, read from ``figures/README.md`` (written by ``make figures``)."""
    readme = (folder / "README.md").read_text(encoding="utf-8")
    found = {}
    for section in readme.split("\n## ")[1:]:
        name = section.split("\n", 1)[0].strip()
        alt = re.search(r"^- \*\*Alt text:\*\* (.*)$", section, re.M)
        shows = re.search(r"^- \*\*Shows:\*\* (.*)$", section, re.M)
        if alt and (folder / f"{name}.png").is_file():
            found[name] = Handout(folder / f"{name}.png", alt.group(1).strip(),
                                  bool(shows and shows.group(1).startswith("For instructors")))
    return found


def core_cells(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """The cells of a notebook's core: without ``<details>`` blocks and without the optional parts' sections."""
    cells, skipping = [], None
    for cell in notebook.cells:
        source = cell.source.strip()
        heading = _HEADING.match(source.split("\n", 1)[0]) if cell.cell_type == "markdown" else None
        if heading:
            level = len(heading.group(1))
            if skipping is not None and level <= skipping:
                skipping = None
            if skipping is None and OPTIONAL.match(heading.group(2).strip()):
                skipping = level
        if skipping is not None or (cell.cell_type == "markdown" and source.startswith("<details")):
            continue
        cells.append(cell)
    return cells


def shown_questions(source: str, notebook: str) -> list[str]:
    """The ids of the self-check questions a code cell shows, in order (``show_questions`` / ``show_question``).

    A call naming its notebook and no question ids shows them all; ids given as strings (or lists of strings)
    anywhere in the call choose those questions.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    ids: list[str] = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and _name(node.func).startswith("show_question")):
            continue
        strings = [item.value for item in ast.walk(node) if isinstance(item, ast.Constant)
                   and isinstance(item.value, str)]
        owners = [name for name in strings if name in quiz.available()]
        check = quiz.load(owners[0] if owners else notebook)
        known = {question.id for question in check.questions}
        chosen = [text for text in strings if text in known]
        ids += chosen or ([question.id for question in check.questions] if owners else [])
    return ids


def _name(function: ast.expr) -> str:
    return function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")


class Workbook(FPDF):
    """An A4 PDF in DejaVu Sans with page numbers in the footer."""

    def __init__(self) -> None:
        super().__init__(format="A4")
        fonts = Path(mpl.get_data_path()) / "fonts" / "ttf"
        for style, suffix in (("", ""), ("B", "-Bold"), ("I", "-Oblique"), ("BI", "-BoldOblique")):
            self.add_font(_FONT, style, fonts / f"DejaVuSans{suffix}.ttf")
            self.add_font(_MONO, style, fonts / f"DejaVuSansMono{suffix}.ttf")
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=18)
        self.set_font(_FONT, size=10)

    def footer(self) -> None:
        """The page number, centred."""
        self.set_y(-12)
        self.set_font(_FONT, size=8)
        self.cell(0, 5, str(self.page_no()), align="C")


class _Writer:
    """Writes the workbook's parts into a :class:`Workbook`."""

    def __init__(self, words: dict[str, str], figures: dict[str, Handout]) -> None:
        self.pdf = Workbook()
        self.words = words
        self.by_alt = {handout.alt_text: handout for handout in figures.values() if not handout.instructors_only}
        self.figures = figures
        self.figure_number = 0

    def markdown(self, text: str) -> None:
        """Notebook Markdown (headings, lists, tables, code) as PDF text."""
        body = _markdown(_DETAILS.sub("", text))
        body = re.sub(r"<pre><code[^>]*>", "<pre>", body).replace("</code></pre>", "</pre>")
        body = re.sub(r"<(td|th)( [^>]*)?>", r'<\1 align="left">', body)  # narrow cells read badly justified
        self.pdf.set_x(self.pdf.l_margin)
        self.pdf.write_html(body, font_family=_FONT, table_line_separators=True, tag_styles=_TAG_STYLES)
        self.pdf.ln(1)

    def heading(self, text: str, size: float) -> None:
        """A bold heading that starts on the same page as what follows it."""
        if self.pdf.will_page_break(size * 2):
            self.pdf.add_page()
        self.pdf.set_font(_FONT, "B", size)
        self.pdf.set_text_color(_INK)
        self.pdf.multi_cell(_WIDTH, size * 0.5, text)
        self.pdf.set_text_color(0)
        self.pdf.set_font(_FONT, "", 10)
        self.pdf.ln(2)

    def figure(self, image: bytes | Path, alt_text: str) -> None:
        """An image across the text width, its alt text as the caption below it."""
        self.figure_number += 1
        source = BytesIO(image) if isinstance(image, bytes) else image
        width, height = _image_size(image)
        shown = min(_WIDTH, width * 25.4 / 100)
        shown_height = shown * height / width
        if shown_height > 150:
            shown, shown_height = shown * 150 / shown_height, 150
        if self.pdf.will_page_break(shown_height + 20):
            self.pdf.add_page()
        self.pdf.image(source, x=self.pdf.l_margin + (_WIDTH - shown) / 2, w=shown, h=shown_height)
        self.pdf.ln(1)
        self.pdf.set_font(_FONT, "I", 8.5)
        self.pdf.multi_cell(_WIDTH, 4, f"{self.words['figure']} {self.figure_number}. {alt_text}")
        self.pdf.set_font(_FONT, "", 10)
        self.pdf.ln(3)

    def output_figures(self, cell: nbformat.NotebookNode, used: set[str]) -> None:
        """The image outputs of a code cell, each with its alt text (the handout PNG where the alt texts match)."""
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" not in data:
                continue
            alt_text = _ALT_PREFIX.sub("", str(data.get("text/plain", ""))).strip()
            handout = self.by_alt.get(alt_text)
            if handout is not None:
                used.add(handout.path.stem)
                self.figure(handout.path, alt_text)
            else:
                self.figure(base64.b64decode(data["image/png"]), alt_text)

    def question(self, number: int, question: quiz.Question) -> None:
        """A question without its answer: vignette, stem, and the choices in the order students see them."""
        if self.pdf.will_page_break(30):
            self.pdf.add_page()
        text = f"**{self.words['question']} {number}.** "
        text += f"*{question.vignette}*\n\n{question.prompt}" if question.vignette else question.prompt
        self.markdown(text)
        if question.kind == "numeric":
            unit = f" {question.unit}" if question.unit else ""
            self.pdf.multi_cell(_WIDTH, 6, f"{self.words['numeric']} ______________{unit}")
        else:
            box = "☐" if question.kind == "select_all" else "○"
            how = self.words["choose_all" if question.kind == "select_all" else "choose_one"]
            if how.lower() not in question.prompt.lower():
                self.pdf.set_font(_FONT, "I", 9)
                self.pdf.multi_cell(_WIDTH, 5, how)
                self.pdf.set_font(_FONT, "", 10)
            for choice in question.shown_choices:
                self.pdf.set_x(self.pdf.l_margin + 4)
                self.pdf.multi_cell(_WIDTH - 4, 5.5, f"{box}  {choice.text}")
        self.pdf.ln(3)

    def exercise(self, exercise: quiz.Exercise) -> None:
        """An exercise: its prompt, its rubric's criteria with their levels and points, and lines to write on.

        The levels' descriptors say what a strong answer contains, so they stay with the solutions in the answer key;
        the workbook names what is marked and for how many points.
        """
        self.heading(exercise.title, 12)
        self.markdown(exercise.prompt)
        if exercise.rubric:
            self.pdf.set_font(_FONT, "B", 9.5)
            self.pdf.multi_cell(_WIDTH, 5, f"{self.words['rubric']} ({exercise.max_points:g})")
            self.pdf.set_font(_FONT, "", 9)
            for criterion in exercise.rubric:
                levels = " · ".join(f"{level.label} {level.points:g}" for level in criterion.levels)
                self.pdf.set_x(self.pdf.l_margin + 4)
                self.pdf.multi_cell(_WIDTH - 4, 5, f"☐  {criterion.name}: {levels}")
            self.pdf.set_font(_FONT, "", 10)
            self.pdf.ln(3)
        if self.pdf.will_page_break(ANSWER_LINES * 8 + 8):
            self.pdf.add_page()
        self.pdf.set_font(_FONT, "B", 9.5)
        self.pdf.multi_cell(_WIDTH, 6, self.words["answer_space"])
        self.pdf.set_font(_FONT, "", 10)
        self.pdf.set_draw_color(170)
        for _ in range(ANSWER_LINES):
            self.pdf.ln(8)
            self.pdf.line(self.pdf.l_margin, self.pdf.get_y(), self.pdf.l_margin + _WIDTH, self.pdf.get_y())
        self.pdf.set_draw_color(0)
        self.pdf.ln(6)

    def notebook(self, path: Path) -> None:
        """One notebook's chapter: its core, its questions where the core shows them, leftover figures, exercises."""
        name = path.stem
        check = quiz.load(name) if name in quiz.available() else None
        self.pdf.add_page()
        used: set[str] = set()
        shown: list[str] = []
        for cell in core_cells(nbformat.read(path, as_version=4)):
            if cell.cell_type == "markdown":
                self.markdown(cell.source)
            elif cell.cell_type == "code":
                for output in cell.get("outputs", []):
                    if "text/markdown" in output.get("data", {}) and "image/png" not in output["data"]:
                        self.markdown(str(output["data"]["text/markdown"]))
                self.output_figures(cell, used)
                for question_id in shown_questions(cell.source, name):
                    if question_id not in shown:
                        shown.append(question_id)
                        owner = next(n for n, q in quiz.all_questions() if q.id == question_id)
                        self.question(len(shown), quiz.load(owner).question(question_id))
        prefix = name.split("_", 1)[0] + "_"
        later = [handout for handout in self.figures.values() if handout.path.stem.startswith(prefix)
                 and handout.path.stem not in used and not handout.instructors_only]
        if later:
            self.heading(self.words["more_figures"], 12)
            for handout in later:
                self.figure(handout.path, handout.alt_text)
        if check is not None and check.exercises:
            self.heading(self.words["exercises"], 14)
            for exercise in check.exercises:
                self.exercise(exercise)


def _image_size(image: bytes | Path) -> tuple[int, int]:
    """Pixel width and height of a PNG (from its header)."""
    if isinstance(image, bytes):
        head = image[:24]
    else:
        with image.open("rb") as file:
            head = file.read(24)
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def build(folder: Path, notebooks: list[Path] | None = None, figures: Path = FIGURES) -> Path:
    """Write the workbook PDF into ``folder`` (claimed for the workbook) and return its path.

    Parameters
    ----------
    folder : Path
        New, empty or already the workbook's own (:func:`spinelab.publish.outputs.claim_folder`).
    notebooks : list of Path, optional
        The notebooks, in order; by default every course notebook.
    figures : Path, optional
        The handout figures' folder, with its README.

    Raises
    ------
    OutputFolderError
        If ``folder`` holds files the workbook did not write; nothing is then written.
    """
    claim_folder(folder, TOOL)
    words = datafile.load("workbook")
    writer = _Writer(words, handouts(figures))
    pdf = writer.pdf
    pdf.set_title(words["title"])
    pdf.set_creator("spinelab")
    pdf.add_page()
    pdf.set_font(_FONT, "B", 22)
    pdf.ln(50)
    pdf.multi_cell(_WIDTH, 11, words["title"], align="C")
    pdf.ln(8)
    pdf.set_font(_FONT, "", 11)
    pdf.multi_cell(_WIDTH, 6, words["introduction"], align="C")
    pdf.ln(10)
    pdf.set_font(_FONT, "", 8)
    pdf.multi_cell(_WIDTH, 4, html.unescape(CONTENT_LICENCE), align="C")
    for path in notebooks if notebooks is not None else course_notebooks(FOLDER):
        writer.notebook(path)
    out = folder / FILENAME
    pdf.output(str(out))
    return out


def main(argv: list[str] | None = None) -> None:
    """Command line: ``python -m spinelab.publish.workbook FOLDER``."""
    parser = argparse.ArgumentParser(description="Write the printable student workbook (PDF).")
    parser.add_argument("folder", type=Path)
    try:
        print(build(parser.parse_args(argv).folder))
    except OutputFolderError as error:
        refuse("workbook", error)


if __name__ == "__main__":
    main()
