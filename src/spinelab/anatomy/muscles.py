"""The back and trunk muscles of the course, as validated data.

``data/muscles.toml`` holds one row per muscle: its layer, Bergmark's (1989)
local/global class, attachments, nerve supply, actions, role, the number of
intervertebral joints its fascicles cross, how it reaches the lumbar vertebrae,
and citation keys into the references registry. The file's header says how
layers are grouped and how segments are counted. A malformed row fails on
loading with a ``ValueError`` naming the file, the row (the muscle) and the
field: ``schemas/muscles.schema.json`` states the fields, allowed values and
ranges; this module checks what a schema cannot: citation keys that resolve,
segments from fewest to most, unique ids, and a Bergmark class that agrees with
Bergmark's criterion, attachment to the lumbar vertebrae (see
:func:`class_fits_attachment`).

Use it as::

    from spinelab.anatomy import muscles
    muscles.get("multifidus").innervation
    [m.name for m in muscles.by_layer("superficial")]
"""

from __future__ import annotations

import difflib
import textwrap
from dataclasses import dataclass
from functools import cache

from spinelab.course import datafile, references, wording

#: Layers from the skin inwards, then the abdominal wall, grouped on its own.
LAYERS = ("superficial", "intermediate", "deep", "abdominal wall")
#: The back layers, in the order the layer-peeling slider removes them.
PEEL_ORDER = ("superficial", "intermediate", "deep")
BERGMARK_CLASSES = ("local", "global", "not classified")
ROLES = ("mover", "stabiliser", "both")
#: How a muscle reaches the lumbar vertebrae, from most to least direct (the words shown to students are the
#: ``attachment_*`` phrases of ``data/wording.toml``: :attr:`Muscle.lumbar_attachment_text`).
LUMBAR_ATTACHMENTS = ("direct", "some fascicles", "through fascia", "none")
#: The one muscle placed in the local system although it reaches the lumbar vertebrae only through fascia.
FASCIA_LOCAL_EXCEPTION = "transversus_abdominis"
#: Muscles attached directly to the lumbar vertebrae that are left unclassified: psoas, excepted in the usual summary
#: of Bergmark's local system, and spinalis, which the usual lists do not name (not placed by guesswork).
UNCLASSIFIED_DIRECT = ("psoas_major", "spinalis")

DATA_FILE = "data/muscles.toml"
_MUSCLE_TEXT = ("id", "name", "label", "layer", "bergmark", "bergmark_note", "origin", "insertion",
                "innervation", "actions", "role", "segments_note")


@dataclass(frozen=True)
class Muscle:
    """One muscle (or one part of a muscle) with its cited facts."""

    id: str
    name: str
    label: str
    layer: str
    bergmark: str
    bergmark_note: str
    origin: str
    insertion: str
    innervation: str
    actions: str
    role: str
    segments: tuple[int, int] | None
    segments_note: str
    lumbar_attachment: str
    citations: tuple[str, ...]

    def cite(self) -> str:
        """Short in-text citation of this muscle's sources, e.g. ``(Macintosh et al. 1986; ...)``."""
        return references.cite(*self.citations)

    @property
    def segments_text(self) -> str:
        """The segment count in words: ``2-5``, ``1`` or ``not counted``."""
        if self.segments is None:
            return "not counted"
        low, high = self.segments
        return str(low) if low == high else f"{low}-{high}"

    @property
    def lumbar_attachment_text(self) -> str:
        """How the muscle reaches the lumbar vertebrae, in words, e.g. ``attaches to the lumbar vertebrae``."""
        return wording.phrase("muscles", f"attachment_{self.lumbar_attachment.replace(' ', '_')}")


@dataclass(frozen=True)
class Structure:
    """A non-muscle structure drawn for orientation, such as the thoracolumbar fascia."""

    id: str
    name: str
    description: str
    citations: tuple[str, ...]

    def cite(self) -> str:
        """Short in-text citation of this structure's sources."""
        return references.cite(*self.citations)


@dataclass(frozen=True)
class Catalogue:
    """Every muscle and structure of the data file, in file order."""

    muscles: tuple[Muscle, ...]
    structures: tuple[Structure, ...]


def class_fits_attachment(muscle_id: str, bergmark: str, lumbar_attachment: str) -> bool:
    """Whether a class agrees with Bergmark's criterion, attachment to the lumbar vertebrae, as commonly summarised.

    Local muscles insert on or arise from the lumbar vertebrae (``direct``); transversus abdominis,
    which reaches them only through the thoracolumbar fascia, is the one local exception. Global muscles
    carry load between the thoracic cage and the pelvis without attaching directly to the lumbar
    vertebrae. Muscles left unclassified (``not classified``) do not attach directly to the lumbar
    vertebrae, except those of :data:`UNCLASSIFIED_DIRECT` (psoas, excepted in the usual summary, and spinalis,
    which the usual lists do not name).

    Parameters
    ----------
    muscle_id : str
        The muscle's id (the exception is by id).
    bergmark : str
        One of :data:`BERGMARK_CLASSES`.
    lumbar_attachment : str
        One of :data:`LUMBAR_ATTACHMENTS`.

    Returns
    -------
    bool
        True if the class follows from the attachment.
    """
    if bergmark == "local":
        return lumbar_attachment == "direct" or (
            lumbar_attachment == "through fascia" and muscle_id == FASCIA_LOCAL_EXCEPTION)
    if bergmark == "global":
        return lumbar_attachment != "direct"
    return lumbar_attachment != "direct" or muscle_id in UNCLASSIFIED_DIRECT


def _muscle(row: dict, where: str) -> Muscle:
    if not class_fits_attachment(row["id"], row["bergmark"], row["lumbar_attachment"]):
        raise ValueError(f"{where}: field 'bergmark' is {row['bergmark']!r} but field 'lumbar_attachment' is "
                         f"{row['lumbar_attachment']!r}: Bergmark's local muscles attach to the lumbar vertebrae, "
                         "his global muscles do not, and a muscle attached directly to them is local unless the usual "
                         f"summary leaves it out ({', '.join(UNCLASSIFIED_DIRECT)})")
    segments = row.get("segments")
    if segments is not None and segments[0] > segments[1]:
        raise ValueError(f"{where}: field 'segments' must be [fewest, most]; got {segments!r}")
    return Muscle(**{name: row[name] for name in _MUSCLE_TEXT}, lumbar_attachment=row["lumbar_attachment"],
                  segments=None if segments is None else (segments[0], segments[1]),
                  citations=references.require(row["citations"], f"{where}: field 'citations'"))


def _structure(row: dict, where: str) -> Structure:
    return Structure(id=row["id"], name=row["name"], description=row["description"],
                     citations=references.require(row["citations"], f"{where}: field 'citations'"))


def parse(text: str, source: str = DATA_FILE) -> Catalogue:
    """Parse muscle-data TOML text, validated against ``muscles.schema.json``.

    Raises
    ------
    ValueError
        Naming the file, the row (its number and muscle id) and the field that is missing or malformed,
        or an id used twice.
    """
    return _catalogue(datafile.parse(text, "muscles", source), source)


def _catalogue(data: dict, source: str) -> Catalogue:
    def where(kind: str, number: int, row: dict) -> str:
        return f"{source}: {datafile.entry(kind, number, row)}"

    muscles = tuple(_muscle(row, where("muscle", i, row)) for i, row in enumerate(data["muscle"]))
    structures = tuple(_structure(row, where("structure", i, row)) for i, row in enumerate(data.get("structure", [])))
    seen: set[str] = set()
    for item in (*muscles, *structures):
        if item.id in seen:
            raise ValueError(f"{source}: id {item.id!r} is used by more than one row")
        seen.add(item.id)
    return Catalogue(muscles=muscles, structures=structures)


@cache
def catalogue() -> Catalogue:
    """The course's muscles and structures, loaded once from ``data/muscles.toml``."""
    return _catalogue(datafile.load("muscles"), DATA_FILE)


def load() -> tuple[Muscle, ...]:
    """All muscles, in the order of the data file (superficial to deep, then the abdominal wall)."""
    return catalogue().muscles


def ids() -> tuple[str, ...]:
    """The ids of all muscles."""
    return tuple(muscle.id for muscle in load())


def get(muscle_id: str) -> Muscle:
    """Look a muscle up by id, e.g. ``get("multifidus")``.

    Raises
    ------
    KeyError
        If there is no such muscle; the message suggests close ids.
    """
    for muscle in load():
        if muscle.id == muscle_id:
            return muscle
    close = difflib.get_close_matches(muscle_id, ids(), n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise KeyError(f"no muscle {muscle_id!r}{hint}")


def by_layer(layer: str) -> tuple[Muscle, ...]:
    """The muscles of one layer: ``superficial``, ``intermediate``, ``deep`` or ``abdominal wall``."""
    if layer not in LAYERS:
        raise ValueError(f"layer must be one of {', '.join(LAYERS)}; got {layer!r}")
    return tuple(muscle for muscle in load() if muscle.layer == layer)


def structure(structure_id: str) -> Structure:
    """Look a structure up by id, e.g. ``structure("thoracolumbar_fascia")``."""
    for item in catalogue().structures:
        if item.id == structure_id:
            return item
    raise KeyError(f"no structure {structure_id!r}; known: {', '.join(s.id for s in catalogue().structures)}")


def all_citations() -> tuple[str, ...]:
    """Every citation key used by the muscle data, once each, in first-use order."""
    keys = [key for item in (*load(), *catalogue().structures) for key in item.citations]
    return tuple(dict.fromkeys(keys))


def counted() -> tuple[Muscle, ...]:
    """Muscles with a segment count, sorted from fewest to most joints crossed by their longest fascicle."""
    with_count = [m for m in load() if m.segments is not None]
    return tuple(sorted(with_count, key=lambda m: (m.segments[1], m.segments[0], m.label)))  # type: ignore[index]


def segments_table() -> str:
    """A plain-text table of every muscle: Bergmark class, lumbar attachment and joints crossed.

    Sorted by class (local, global, not classified), then by the longest fascicle.
    """
    def order(muscle: Muscle) -> tuple[int, int, str]:
        longest = -1 if muscle.segments is None else muscle.segments[1]
        return (BERGMARK_CLASSES.index(muscle.bergmark), longest, muscle.label)

    lines = [f"{'muscle':<30}{'Bergmark class':<16}{'lumbar vertebrae':<18}joints crossed"]
    for muscle in sorted(load(), key=order):
        lines.append(f"{muscle.label:<30}{muscle.bergmark:<16}{muscle.lumbar_attachment:<18}{muscle.segments_text}")
    return "\n".join(lines)


def layer_table() -> str:
    """A plain-text list of the muscles of each layer, for printing in a notebook."""
    lines = []
    for layer in LAYERS:
        names = ", ".join(muscle.label for muscle in by_layer(layer))
        lines.append(textwrap.fill(names, width=100, initial_indent=f"{layer:>14}: ", subsequent_indent=" " * 16))
    return "\n".join(lines)


@references.shows(lambda *muscle_ids: (key for muscle_id in muscle_ids for key in get(muscle_id).citations))
def compare(*muscle_ids: str) -> str:
    """A plain-text side-by-side of a few muscles: layer, class, nerve, segments and sources."""
    blocks = []
    for muscle in map(get, muscle_ids):
        blocks.append("\n".join([
            f"{muscle.name}",
            f"  layer: {muscle.layer}; Bergmark class: {muscle.bergmark}; role: {muscle.role}",
            f"  from: {muscle.origin}",
            f"  to: {muscle.insertion}",
            f"  nerve: {muscle.innervation}",
            f"  joints crossed: {muscle.segments_text}; lumbar vertebrae: {muscle.lumbar_attachment_text}",
            f"  sources: {muscle.cite()}",
        ]))
    return "\n\n".join(blocks)
