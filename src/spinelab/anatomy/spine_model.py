"""The lumbar spine and its 210 muscle fascicles from a published model: MyoTorso (MyoBack).

MyoTorso is the MuJoCo version (Walia et al. 2025) of the Constrained Lumbar Spine model (Christophy et al. 2012),
shipped in the ``myo-sim`` package (Apache License 2.0) and computed with ``mujoco``. This module loads it once,
lists every fascicle with its group (a muscle of ``data/muscles.toml``), the course's layer, its side, the levels of
its two ends and the lumbar joints it crosses, and computes from the model

* each fascicle's **moment arm** about each lumbar joint (L1-L2 ... L5-S1) for flexion-extension, lateral bending
  and axial rotation: minus the derivative of the fascicle's length with respect to the joint angle, by central
  finite differences of the tendon lengths (``mj_kinematics``, ``mj_comPos``, ``mj_tendon``), one joint at a time
  from the neutral posture;
* its **length change** from neutral to a flexed posture, the model's lumbar joints moved together by its own
  coupling rules (its equality constraints).

Signs: a positive moment arm extends, bends to the right or rotates to the left (the model's joint axes), so a
right-side fascicle bending the trunk to its own side has a positive lateral-bending moment arm. Every number is the
model's: :data:`SOURCE` names it and :func:`limits` lists what it cannot show, from its README and paper.
``data/spine_model.toml`` holds the groups, the flexed posture and the limits. No widget or plotting library is
imported here; the 3D view and figures are in :mod:`spinelab.anatomy.spine_view`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from spinelab.anatomy import muscles
from spinelab.course import datafile, references, wording
from spinelab.course.text import MarkdownText, PlainText

if TYPE_CHECKING:
    import mujoco

DATA_NAME = "spine_model"
#: The table of ``data/wording.toml`` with this module's phrases.
WORDS = "spine_model"
#: The model's bodies from the sacrum up, as the levels they stand for.
BODY_LEVELS = {"sacrum": "sacrum", "lumbar5": "L5", "lumbar4": "L4", "lumbar3": "L3", "lumbar2": "L2",
               "lumbar1": "L1", "torso": "thorax"}
#: Bodies that move with a vertebra of :data:`BODY_LEVELS`, and their level: the model carries the abdominal wall on L5.
CARRIED_BY = {"Abdomen": ("lumbar5", "abdomen")}
LEVELS = tuple(BODY_LEVELS.values())
#: The lumbar joints, from the top down; joint ``i`` lies between ``LEVELS[4 - i]`` and ``LEVELS[5 - i]``.
JOINTS = ("L1-L2", "L2-L3", "L3-L4", "L4-L5", "L5-S1")
MOTIONS = ("flexion-extension", "lateral bending", "axial rotation")
#: Each motion's joint axis in the vertebra's frame (the model's convention).
_MOTION_AXES = {"flexion-extension": 2, "lateral bending": 0, "axial rotation": 1}
SIDES = {"_r": "right", "_l": "left"}
#: Finite-difference step, radians.
STEP = 1e-4
#: A moment arm smaller than this (metres) is no moment arm: the fascicle does not cross the joint.
CROSSING_THRESHOLD = 1e-4


@dataclass(frozen=True)
class Fascicle:
    """One muscle fascicle of the model.

    Attributes
    ----------
    name : str
        The model's name without ``_tendon``, e.g. ``"MF_m4s_r"``.
    index : int
        Its tendon (and muscle) number in the model.
    group : str
        The muscle it belongs to, an id of ``data/muscles.toml`` (``"multifidus"``).
    layer : str
        That muscle's layer in the course: ``deep`` or ``abdominal wall`` for every fascicle of this model.
    side : str
        ``"right"`` or ``"left"``.
    lower, upper : str
        The levels of its lower and upper ends (``"sacrum"``, ``"L5"`` ... ``"L1"``, ``"thorax"``, or ``"abdomen"``
        for the abdominal wall segment the model carries on L5).
    joints : tuple of str
        The lumbar joints between its two ends, from the top down.
    """

    name: str
    index: int
    group: str
    layer: str
    side: str
    lower: str
    upper: str
    joints: tuple[str, ...]

    @property
    def label(self) -> str:
        """The group's short label, e.g. ``Multifidus``."""
        return muscles.get(self.group).label


@cache
def settings() -> dict:
    """The validated ``data/spine_model.toml``, its muscle ids and citation keys checked."""
    data = datafile.load(DATA_NAME)
    known = set(muscles.ids())
    for number, group in enumerate(data["group"], start=1):
        if group["muscle"] not in known:
            raise ValueError(f"data/{DATA_NAME}.toml: group {number} ({group['prefix']!r}): field 'muscle' must be "
                             f"a muscle id of data/muscles.toml; got {group['muscle']!r}")
    for key in data["model"]["citations"]:
        references.get(key)
    return data


@cache
def model() -> mujoco.MjModel:
    """The compiled MyoTorso model, built once (about 0.1 s)."""
    from myo_sim.build import compose

    return compose.build_spec("myotorso").compile()


def citations() -> tuple[str, ...]:
    """Citation keys of the model: its paper, the model it derives from, and the package."""
    return tuple(settings()["model"]["citations"])


def source() -> str:
    """The model's in-text citation, e.g. ``MyoTorso model (Walia et al. 2025; Christophy et al. 2012; ...)``."""
    return f"{settings()['model']['name']} model {references.cite(*citations())}"


def limits() -> tuple[str, ...]:
    """What the model cannot show, from its README and paper: stated wherever its numbers appear."""
    return tuple(settings()["model"]["limits"])


def flexion_degrees() -> float:
    """Total lumbar flexion of the flexed posture (L1 against the sacrum), degrees: a chosen posture."""
    return float(settings()["model"]["flexion_degrees"])


def _group(name: str) -> str:
    for group in settings()["group"]:
        if name.startswith(group["prefix"]):
            return group["muscle"]
    raise ValueError(f"fascicle {name!r} matches no group prefix of data/{DATA_NAME}.toml")


def _chain_place(m: mujoco.MjModel, body: int) -> tuple[int, str]:
    """A body's place in the lumbar chain (0 = sacrum ... 6 = thorax) and the level it is named by."""
    name = m.body(body).name
    carrier, level = CARRIED_BY.get(name, (name, BODY_LEVELS.get(name, "")))
    if carrier not in BODY_LEVELS:
        raise ValueError(f"body {name!r} is not a level of the lumbar chain")
    return list(BODY_LEVELS).index(carrier), level


@cache
def fascicles() -> tuple[Fascicle, ...]:
    """Every fascicle of the model, in the model's order, with its group, layer, side, levels and joints."""
    m = model()
    rows = []
    for index in range(m.ntendon):
        name = m.tendon(index).name.removesuffix("_tendon")
        group = _group(name)
        side = next((SIDES[suffix] for suffix in SIDES if name.endswith(suffix)), None)
        if side is None:
            raise ValueError(f"fascicle {name!r} has no side suffix (_r or _l)")
        start = m.tendon_adr[index]
        sites = [m.wrap_objid[k] for k in range(start, start + m.tendon_num[index])
                 if m.wrap_type[k] == _wrap_site()]
        places = sorted({_chain_place(m, m.site_bodyid[site]) for site in sites})
        (low, lower), (high, upper) = places[0], places[-1]
        crossed = tuple(JOINTS[4 - i] for i in range(high - 1, low - 1, -1) if i < len(JOINTS))
        rows.append(Fascicle(name=name, index=index, group=group, layer=muscles.get(group).layer, side=side,
                             lower=lower, upper=upper, joints=crossed))
    return tuple(rows)


def _wrap_site() -> int:
    import mujoco

    return int(mujoco.mjtWrap.mjWRAP_SITE)


def get(name: str) -> Fascicle:
    """The fascicle called ``name`` (the model's name, e.g. ``"MF_m4s_r"``).

    Raises
    ------
    ValueError
        If the model has no fascicle of that name.
    """
    for item in fascicles():
        if item.name == name:
            return item
    raise ValueError(f"name must be one of the model's {len(fascicles())} fascicle names, like 'MF_m4s_r'; "
                     f"got {name!r}")


def of_group(group: str, side: str | None = None) -> tuple[Fascicle, ...]:
    """The fascicles of one group (a muscle id), optionally of one side (``"right"`` or ``"left"``)."""
    if group not in groups():
        raise ValueError(f"group must be one of {', '.join(groups())}; got {group!r}")
    if side is not None and side not in SIDES.values():
        raise ValueError(f"side must be 'right' or 'left'; got {side!r}")
    return tuple(f for f in fascicles() if f.group == group and (side is None or f.side == side))


def groups() -> tuple[str, ...]:
    """The muscle ids of the model's groups, in the order of the data file."""
    return tuple(group["muscle"] for group in settings()["group"])


@cache
def joint_ids() -> dict[tuple[str, str], int]:
    """The model's joint number for each (lumbar joint, motion), found from the joint's body and axis."""
    m = model()
    found: dict[tuple[str, str], int] = {}
    for joint in range(m.njnt):
        body = m.body(m.jnt_bodyid[joint]).name
        if body not in BODY_LEVELS or body in ("sacrum", "torso"):
            continue
        level = LEVELS.index(BODY_LEVELS[body])
        axis = int(np.argmax(np.abs(m.jnt_axis[joint])))
        motion = next(name for name, index in _MOTION_AXES.items() if index == axis)
        found[(JOINTS[5 - level], motion)] = joint
    if len(found) != len(JOINTS) * len(MOTIONS):
        raise ValueError(f"expected {len(JOINTS) * len(MOTIONS)} lumbar joints in the model; found {len(found)}")
    return found


def new_data() -> mujoco.MjData:
    """A fresh MjData for the model (postures are set on it, never on shared state)."""
    import mujoco

    return mujoco.MjData(model())


def tendon_lengths(qpos: np.ndarray) -> np.ndarray:
    """Every fascicle's length (metres) in the posture ``qpos`` (the model's joint angles, radians)."""
    import mujoco

    m, d = model(), new_data()
    qpos = np.asarray(qpos, dtype=float)
    if qpos.shape != (m.nq,):
        raise ValueError(f"qpos must hold the model's {m.nq} joint angles; got shape {qpos.shape}")
    d.qpos[:] = qpos
    mujoco.mj_kinematics(m, d)
    mujoco.mj_comPos(m, d)
    mujoco.mj_tendon(m, d)
    return d.ten_length.copy()


def neutral() -> np.ndarray:
    """The neutral posture: every joint angle at the model's reference (zero)."""
    return model().qpos0.copy()


@cache
def moment_arms() -> np.ndarray:
    """Moment arms (metres) of every fascicle, shape (fascicles, :data:`JOINTS`, :data:`MOTIONS`), in neutral.

    Minus the central finite difference of each tendon's length for one joint turned by :data:`STEP` either way.
    Positive: extension, bending to the right, rotation to the left.
    """
    m = model()
    arms = np.zeros((m.ntendon, len(JOINTS), len(MOTIONS)))
    base = neutral()
    for (joint, motion), number in joint_ids().items():
        plus, minus = base.copy(), base.copy()
        plus[m.jnt_qposadr[number]] += STEP
        minus[m.jnt_qposadr[number]] -= STEP
        derivative = (tendon_lengths(plus) - tendon_lengths(minus)) / (2 * STEP)
        arms[:, JOINTS.index(joint), MOTIONS.index(motion)] = -derivative
    arms.setflags(write=False)
    return arms


def moment_arm(name: str, joint: str, motion: str = "flexion-extension") -> float:
    """One fascicle's moment arm (metres) about one lumbar joint, as :func:`moment_arms` (the model's value)."""
    if joint not in JOINTS:
        raise ValueError(f"joint must be one of {', '.join(JOINTS)}; got {joint!r}")
    if motion not in MOTIONS:
        raise ValueError(f"motion must be one of {', '.join(MOTIONS)}; got {motion!r}")
    return float(moment_arms()[get(name).index, JOINTS.index(joint), MOTIONS.index(motion)])


def posture(flexion: float) -> np.ndarray:
    """The model's posture for a coupled lumbar flexion coordinate ``flexion`` (radians, negative = flexion).

    The coordinate turns L5-S1; every joint tied to it by the model's equality constraints follows its polynomial.
    """
    import mujoco

    m = model()
    qpos = neutral()
    driver = joint_ids()[("L5-S1", "flexion-extension")]
    qpos[m.jnt_qposadr[driver]] = flexion
    for eq in range(m.neq):
        if m.eq_type[eq] != mujoco.mjtEq.mjEQ_JOINT or not m.eq_active0[eq]:
            continue
        follower, leader = m.eq_obj1id[eq], m.eq_obj2id[eq]
        x = qpos[m.jnt_qposadr[leader]] if leader >= 0 else 0.0
        qpos[m.jnt_qposadr[follower]] = sum(c * x ** k for k, c in enumerate(m.eq_data[eq][:5]))
    return qpos


def lumbar_flexion(qpos: np.ndarray) -> float:
    """Total lumbar flexion (degrees, positive = flexion) of a posture: the angle of L1 against the sacrum."""
    import mujoco

    m, d = model(), new_data()
    d.qpos[:] = qpos
    mujoco.mj_kinematics(m, d)
    sacrum = d.xmat[m.body("sacrum").id].reshape(3, 3)
    top = d.xmat[m.body("lumbar1").id].reshape(3, 3)
    relative = sacrum.T @ top
    angle = math.degrees(math.acos(max(-1.0, min(1.0, (np.trace(relative) - 1) / 2))))
    # Flexion (a negative flexion coordinate) turns L1 forward: the sacrum's x component of L1's y axis goes negative.
    return angle if relative[0, 1] > 0 else -angle


@cache
def flexed(degrees: float | None = None) -> np.ndarray:
    """The posture with ``degrees`` of total lumbar flexion (default: :func:`flexion_degrees`), by bisection."""
    target = flexion_degrees() if degrees is None else float(degrees)
    m = model()
    driver = joint_ids()[("L5-S1", "flexion-extension")]
    limit = m.jnt_range[driver][0]
    if not 0 < target < lumbar_flexion(posture(limit)):
        raise ValueError(f"degrees must be between 0 and {lumbar_flexion(posture(limit)):.0f}; got {target}")
    low, high = limit, 0.0
    for _ in range(60):
        middle = (low + high) / 2
        if lumbar_flexion(posture(middle)) > target:
            low = middle
        else:
            high = middle
    result = posture((low + high) / 2)
    result.setflags(write=False)
    return result


@cache
def length_changes(degrees: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Every fascicle's length in neutral and its change on flexing (metres), as two arrays.

    Parameters
    ----------
    degrees : float, optional
        Total lumbar flexion of the flexed posture; default :func:`flexion_degrees`.
    """
    start = tendon_lengths(neutral())
    change = tendon_lengths(flexed(degrees)) - start
    return start, change


def stretch_percent(group: str, degrees: float | None = None) -> float:
    """Mean length change of a group's fascicles on flexing, in percent of each fascicle's neutral length."""
    start, change = length_changes(degrees)
    rows = [f.index for f in of_group(group)]
    return float(np.mean(100 * change[rows] / start[rows]))


def stretch_cm(group: str, degrees: float | None = None) -> float:
    """Mean length change of a group's fascicles on flexing, centimetres."""
    _, change = length_changes(degrees)
    return float(np.mean(100 * change[[f.index for f in of_group(group)]]))


def lumbar_end(item: Fascicle) -> bool:
    """Whether one end of a fascicle lies on a lumbar vertebra (L1-L5): Bergmark's criterion, read off the model."""
    return item.lower.startswith("L") or item.upper.startswith("L")


def span(group: str) -> tuple[int, int]:
    """The fewest and most lumbar joints of the model crossed by one fascicle of a group."""
    counts = [len(f.joints) for f in of_group(group)]
    return min(counts), max(counts)


def joint_profile(group: str, side: str = "right") -> tuple[tuple[str, ...], np.ndarray]:
    """The extension moment arms (cm) of one group's fascicles of one side at each lumbar joint, from L1-L2 down.

    Returns
    -------
    names : tuple of str
        The fascicles, in the model's order.
    arms : numpy.ndarray
        Shape (fascicles, :data:`JOINTS`); 0 where a fascicle does not cross a joint.
    """
    rows = of_group(group, side)
    arms = 100 * moment_arms()[[f.index for f in rows], :, 0]
    return tuple(f.name for f in rows), arms


def local_global_rows(group_ids: tuple[str, ...] | None = None) -> list[tuple[str, int, int, str, int]]:
    """Per group: label, fascicles, those with a lumbar end, joints crossed per fascicle, those crossing all 5."""
    rows = []
    for group in groups() if group_ids is None else group_ids:
        items = of_group(group)
        low, high = span(group)
        rows.append((muscles.get(group).label, len(items), sum(lumbar_end(f) for f in items),
                     str(low) if low == high else f"{low}-{high}",
                     sum(len(f.joints) == len(JOINTS) for f in items)))
    return rows


def local_global_table(group_ids: tuple[str, ...] | None = None) -> PlainText:
    """:func:`local_global_rows` as a plain-text table (both sides; the model's geometry)."""
    rows = local_global_rows(group_ids)
    width = max(len(row[0]) for row in rows) + 2
    lines = [f"{'muscle (model)':<{width}}{'fascicles':>10}{'lumbar end':>12}{'joints crossed':>16}{'all five':>10}"]
    lines += [f"{label:<{width}}{count:>10}{lumbar:>12}{joints:>16}{every:>10}"
              for label, count, lumbar, joints, every in rows]
    return PlainText("\n".join(lines))


@references.shows(citations)
def local_global_details(group_ids: tuple[str, ...] | None = None) -> MarkdownText:
    """:func:`local_global_table` in a collapsed section (Markdown), its plain text the table itself."""
    table = local_global_table(group_ids)
    summary = wording.phrase(WORDS, "numbers_summary")
    text = MarkdownText(f"<details><summary>{summary}</summary>\n\n```\n{table}\n```\n\n</details>")
    return text


@references.shows(citations)
def stretch_table(group_ids: tuple[str, ...], degrees: float | None = None) -> PlainText:
    """Mean length change of each group's fascicles from neutral to the flexed posture, cm and % (the model's)."""
    angle = flexion_degrees() if degrees is None else float(degrees)
    width = max(len(muscles.get(g).label) for g in group_ids) + 2
    lines = [wording.phrase(WORDS, "stretch_title", angle=f"{angle:.0f}", source=source()),
             f"{'muscle':<{width}}{'fascicles':>10}{'mean cm':>9}{'mean %':>8}"]
    lines += [f"{muscles.get(g).label:<{width}}{len(of_group(g)):>10}{stretch_cm(g, degrees):>9.1f}"
              f"{stretch_percent(g, degrees):>8.0f}" for g in group_ids]
    return PlainText("\n".join(lines))
