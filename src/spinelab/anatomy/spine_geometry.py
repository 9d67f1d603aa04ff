"""Where the MyoTorso model's bones and fascicles are, for drawing: vertebra meshes and fascicle paths in metres.

World axes of the model: +z up, +y posterior, -x the model's right. Computed by :mod:`spinelab.anatomy.spine_model`'s
model; no widget or plotting library is imported here.
"""

from __future__ import annotations

import numpy as np

from spinelab.anatomy.spine_model import model, neutral, new_data


def mesh_geometry() -> list[tuple[str, np.ndarray, np.ndarray]]:
    """The sacrum, lumbar and thoracic vertebra meshes in neutral: (name, vertices in metres, triangle indices).

    The ribcage, head, neck and arm meshes are left out.
    """
    import mujoco

    m, d = model(), new_data()
    d.qpos[:] = neutral()
    mujoco.mj_kinematics(m, d)
    meshes = []
    for geom in range(m.ngeom):
        mesh = m.geom_dataid[geom]
        if m.geom_type[geom] != mujoco.mjtGeom.mjGEOM_MESH or mesh < 0:
            continue
        name = m.mesh(mesh).name
        if not any(part in name for part in ("sacrum", "lumbar", "thoracic")):
            continue
        start, count = m.mesh_vertadr[mesh], m.mesh_vertnum[mesh]
        local = m.mesh_vert[start:start + count]
        world = local @ d.geom_xmat[geom].reshape(3, 3).T + d.geom_xpos[geom]
        faces = m.mesh_face[m.mesh_faceadr[mesh]:m.mesh_faceadr[mesh] + m.mesh_facenum[mesh]]
        meshes.append((name, world.astype(np.float32), faces.astype(np.uint32)))
    return meshes


def fascicle_paths(qpos: np.ndarray | None = None) -> list[np.ndarray]:
    """Each fascicle's path (points in metres, its attachment and wrapping points) in a posture (default neutral)."""
    import mujoco

    m, d = model(), new_data()
    d.qpos[:] = neutral() if qpos is None else qpos
    mujoco.mj_kinematics(m, d)
    mujoco.mj_comPos(m, d)
    mujoco.mj_tendon(m, d)
    points, kinds = d.wrap_xpos.reshape(-1, 3), d.wrap_obj.reshape(-1)
    paths = []
    for index in range(m.ntendon):
        start, count = d.ten_wrapadr[index], d.ten_wrapnum[index]
        # -2 marks a pulley (a break in the path), not a point on it.
        kept = [points[k] for k in range(start, start + count) if kinds[k] != -2]
        paths.append(np.array(kept, dtype=np.float32))
    return paths
