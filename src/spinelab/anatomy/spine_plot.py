"""k3d's plot widget as notebook 01's 3D view uses it: lighter to load, and every turn the kernel sends stays.

- :data:`LOADER`, the plot's front end, asks the kernel for k3d's module gzipped when the browser can inflate it
  (``DecompressionStream``): 0.85 MB reach the page instead of 2.6 MB, whatever the server.
- The kernel does not answer :data:`UNUSED_REQUESTS`.
- The camera is never echoed back to the page (:func:`plot_class`).

k3d is imported only when a plot is made.
"""

from __future__ import annotations

import gzip
import threading
from functools import cache
from pathlib import Path

#: What the plot's front end asks the kernel for that the view never uses: k3d's standalone module (0.84 MB,
#: zlib), fetched by every plot for its menu's "HTML snapshot" button, and the menu is hidden.
UNUSED_REQUESTS = frozenset({"fetch_snapshot_source"})
#: The plot's front end: k3d's loader (the module comes from the kernel, once per page; adapted from k3d's
#: ``_widget.py``, MIT License, see NOTICE), asking for the module gzipped when the browser can inflate it
#: (``DecompressionStream``): 0.85 MB instead of 2.6 MB, on any server.
LOADER = """
const KEY = '__k3dWidgetModule';

async function inflate(bytes) {
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Response(stream).arrayBuffer();
}

function load(model) {
    if (globalThis[KEY]) {
        return globalThis[KEY];
    }
    const gzip = typeof DecompressionStream === 'function';
    globalThis[KEY] = new Promise((resolve, reject) => {
        function onMessage(msg, buffers) {
            if (!msg || msg.msg_type !== 'widget_module') {
                return;
            }
            model.off('msg:custom', onMessage);
            const buffer = buffers[0];
            const bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer.buffer || buffer);
            (msg.encoding === 'gzip' ? inflate(bytes) : Promise.resolve(bytes)).then((code) => {
                const url = URL.createObjectURL(new Blob([code], {type: 'text/javascript'}));
                return import(url).then((module) => {
                    URL.revokeObjectURL(url);
                    resolve(module.default);
                });
            }).catch(reject);
        }
        model.on('msg:custom', onMessage);
        model.send(gzip ? {msg_type: 'fetch_widget_module', encoding: 'gzip'} : {msg_type: 'fetch_widget_module'});
    }).catch((error) => {
        delete globalThis[KEY];
        throw error;
    });
    return globalThis[KEY];
}

function defer(hook) {
    return function (context) {
        let cleanup = null;
        let cancelled = false;
        load(context.model).then((module) => {
            if (!cancelled) {
                cleanup = module[hook](context);
            }
        }, (error) => console.error('K3D: the widget module could not be loaded', error));
        return () => {
            cancelled = true;
            if (typeof cleanup === 'function') {
                cleanup();
            }
        };
    };
}

export default {initialize: defer('initialize'), render: defer('render')};
"""


_MODULE_LOCK = threading.Lock()
_GZIPPED: list[bytes] = []


def gzipped_module() -> bytes:
    """k3d's front-end module (``k3d/static/widget.mjs``), gzipped once per kernel (0.1-0.3 s; thread-safe)."""
    import k3d

    with _MODULE_LOCK:
        if not _GZIPPED:
            module = (Path(k3d.__file__).parent / "static" / "widget.mjs").read_bytes()
            _GZIPPED.append(gzip.compress(module, compresslevel=6, mtime=0))
        return _GZIPPED[0]


@cache
def plot_class() -> type:
    """k3d's plot widget with :data:`LOADER`, not answering :data:`UNUSED_REQUESTS`, its camera never echoed.

    k3d's page reports its camera back to the kernel after every move (at most every 200 ms); ipywidgets then
    echoes each report to the page. When turns come faster than a report's round trip, the echo of an older
    camera arrives after the kernel's newer one and turns the view back: presses were lost. Without the echo the
    page keeps the camera it was last sent (or the one the mouse gave it). k3d is imported only when a view is made.
    """
    from k3d.objects import ListOrArray
    from k3d.plot import Plot

    class SpinePlot(Plot):
        _esm = LOADER
        camera = ListOrArray(minlen=9, maxlen=9, empty_ok=True).tag(sync=True, echo_update=False)

        def _handle_custom_msg(self, content: dict, buffers: list) -> None:
            kind = content.get("msg_type")
            if kind == "fetch_widget_module" and content.get("encoding") == "gzip":
                self.send({"msg_type": "widget_module", "encoding": "gzip"}, buffers=[gzipped_module()])
            elif kind not in UNUSED_REQUESTS:
                super()._handle_custom_msg(content, buffers)

    return SpinePlot
