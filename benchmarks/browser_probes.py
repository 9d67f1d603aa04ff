"""Scripts the benchmarks run in a Chromium page: when its widgets are drawn, a key press to the changed figure."""

#: True once every widget view of a Voilà or JupyterLab page has rendered: a widget inside with a size (except
#: ``spinelab.setup()``'s stylesheet, which shows nothing), no placeholder or error text.
VIEWS_RENDERED = """() => {
    const views = Array.from(document.querySelectorAll('.jp-OutputArea-output:not([data-mime-type])'));
    const styleOnly = view => view.querySelector('.widget-html style') !== null && view.innerText.trim() === '';
    return views.length > 0 && views.every(view =>
        view.querySelector('.jupyter-widgets') !== null && (view.getBoundingClientRect().height > 10 || styleOnly(view))
        && !/Loading widget|Error displaying widget/.test(view.textContent));
}"""

#: Timestamps every key press, for :func:`watch_figure`.
TIMING = """() => {
    window.spinelabTiming = {key: 0, picture: null, source: null};
    document.addEventListener('keydown', () => { window.spinelabTiming.key = performance.now(); }, true);
}"""


def watch_figure(timeout_ms: int) -> str:
    """The script to run on a slider handle before a key press.

    It sets ``window.spinelabTiming.picture`` to the promise of that key press to the next changed and decoded figure
    image of the slider's output, in ms (null if none changes within ``timeout_ms``). The page resolves it itself, so
    nothing polls the page while a student waits.
    """
    return """h => {
    const timing = window.spinelabTiming;
    const images = Array.from(h.closest('.jp-OutputArea-output').querySelectorAll('.widget-image'));
    timing.picture = new Promise(resolve => {
        const observer = new MutationObserver(records => {
            observer.disconnect();
            timing.source = performance.now() - timing.key;
            records[0].target.decode().catch(() => null).then(() => requestAnimationFrame(() => {
                resolve(performance.now() - timing.key);
            }));
        });
        images.forEach(image => observer.observe(image, {attributes: true, attributeFilter: ['src']}));
        setTimeout(() => { observer.disconnect(); resolve(null); }, TIMEOUT);
    });
}""".replace("TIMEOUT", str(int(timeout_ms)))
