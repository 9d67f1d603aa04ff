"""Encoded frames of live figures, shared by every kernel on one machine and kept between runs.

A live figure's frame is keyed by a digest of its drawn pixels (:func:`frame_key`), with the encoding and the
versions of spinelab, matplotlib and Pillow. The pixels are what the figure, its parameters, its style (desk or
presenter) and its scale produce, so two kernels drawing the same slider position share one frame, and a frame is
never served for other parameters: another picture has another key. What a kernel still does per move is the model
and the blit (about 1-3 ms); the encoding (:func:`encode`), most of the work, happens once per frame for everyone
on the machine. A figure that names its state is also keyed by its background's pixels and that state
(:func:`state_key`), looked up before anything is drawn: a kernel that finds it neither draws nor hashes pixels.

Frames are files in a folder (:func:`cache_folder`): the class server gives its kernels one through
:data:`CACHE_ENV`; otherwise it is the user's cache folder. Each file is written to a temporary name and renamed
into place (atomic), and starts with a digest of its contents, so a partial or corrupt file is never served: it
is deleted and the frame encoded again. The folder is kept under :data:`DEFAULT_MAX_MB` (or
:data:`MAX_MB_ENV`) by deleting the least recently used frames (a hit renews a file's modification time).
Any error of the file system makes the cache a miss, never a failed figure.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import os
import sys
import tempfile
import time
from collections import OrderedDict
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import matplotlib
import numpy as np
import PIL
from PIL import Image

import spinelab
from spinelab.course import settings

#: The cache folder; ``off`` keeps frames in memory only. The class server sets it for its kernels.
CACHE_ENV = settings.FRAME_CACHE
#: Largest size of the cache folder, MB.
MAX_MB_ENV = settings.FRAME_CACHE_MB
DEFAULT_MAX_MB = 200
#: The frames' encoding (one of :data:`ENCODINGS`), for measuring others; the default is :data:`DEFAULT_ENCODING`.
ENCODING_ENV = settings.FRAME_ENCODING
#: Frames each process keeps in memory as well (about 20-80 kB each).
MEMORY_FRAMES = 48
#: The cache is trimmed once a process has written this share of its size since it last looked.
TRIM_SHARE = 1 / 32
#: Trimming goes down to this share of the size, so that it does not run at every write.
TRIM_TO = 0.8
#: A file's modification time is renewed on a hit at most this often, seconds.
TOUCH_SECONDS = 60.0
#: Temporary files older than this, seconds, are a writer that died: trimming deletes them.
STALE_SECONDS = 300.0
DIGEST_BYTES = 16
_TEMP_SUFFIX = ".part"


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG", compress_level=1)
    return out.getvalue()


def _palette_png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.convert("RGB").quantize(256, method=Image.Quantize.FASTOCTREE).save(out, format="PNG", compress_level=1)
    return out.getvalue()


def _webp(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.convert("RGB").save(out, format="WEBP", lossless=True, method=0, quality=0)
    return out.getvalue()


#: Encoding name: (image format of the widget, encoder). Measured in Chromium (``benchmarks/widget_latency.py
#: --encodings``): a 256-colour palette PNG at zlib level 1 is the fastest to encode and to decode and the smallest
#: (34 kB at the desk, 57 kB presenter, against 75 and 126 kB for RGB PNG; decode p50 3.4 and 5.4 ms against 4.5
#: and 8.5 ms); WebP, even lossless at its fastest, decodes slower. The palette keeps the picture: 40-50 dB PSNR on
#: the course's figures, the rare off pixels in anti-aliased edges.
ENCODINGS: dict[str, tuple[str, Callable[[Image.Image], bytes]]] = {
    "png": ("png", _png),
    "palette": ("png", _palette_png),
    "webp": ("webp", _webp),
}
DEFAULT_ENCODING = "palette"


def encoding() -> str:
    """The frames' encoding: :data:`ENCODING_ENV` if it names one of :data:`ENCODINGS`, else the default."""
    name = settings.frame_encoding()
    return name if name in ENCODINGS else DEFAULT_ENCODING


def encode(pixels: np.ndarray, name: str) -> bytes:
    """Encode RGBA ``pixels`` (height x width x 4, uint8) with encoding ``name``."""
    height, width = pixels.shape[:2]
    image = Image.frombuffer("RGBA", (width, height), pixels, "raw", "RGBA", 0, 1)
    return ENCODINGS[name][1](image)


def frame_key(pixels: np.ndarray, name: str) -> str:
    """The cache key of ``pixels`` encoded with ``name``: a digest of both and of the versions that draw them."""
    digest = hashlib.sha1(usedforsecurity=False)  # 2-3x faster than blake2b here; no adversary picks the pixels
    digest.update(f"{spinelab.__version__}|{matplotlib.__version__}|{PIL.__version__}|{name}|{pixels.shape}|"
                  f"{pixels.dtype}".encode())
    digest.update(np.ascontiguousarray(pixels).data)
    return digest.hexdigest()


def code_digest(root: Path) -> str:
    """A digest of every file under ``root`` (names and contents; ``__pycache__`` left out)."""
    digest = hashlib.sha1(usedforsecurity=False)
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            try:
                contents = path.read_bytes()
            except OSError:  # gone or unreadable meanwhile: another digest, so a miss, never a failed figure
                contents = b"unreadable"
            digest.update(f"{path.relative_to(root).as_posix()}|{len(contents)}|".encode())
            digest.update(contents)
    return digest.hexdigest()


@functools.cache
def course_fingerprint() -> str:
    """The course's code and data as installed (:func:`code_digest`) and the versions of the libraries its models use.

    Frames keyed by state (:func:`state_key`) are not drawn before they are found, so this stands for what draws
    them: an edited model, colour or wording is another fingerprint, even at the same version number.
    """
    libraries = "|".join(f"{name}={_installed(name)}" for name in ("numpy", "scipy", "matplotlib", "pillow"))
    return f"{spinelab.__version__}|{libraries}|{code_digest(Path(spinelab.__file__).parent)}"


def _installed(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


def state_key(background: str, state: object) -> str:
    """The cache key of a live figure's frame in ``state`` over a background whose :func:`frame_key` is ``background``.

    The background's key covers the style, the scale, the static content and the encoding; :func:`course_fingerprint`
    the code and the versions; ``state`` (by its ``repr``) must cover everything else the frame's moving parts depend
    on. No pixels are read.
    """
    digest = hashlib.sha1(usedforsecurity=False)
    digest.update(f"state|{course_fingerprint()}|{background}|{state!r}".encode())
    return digest.hexdigest()


def user_cache_folder() -> Path:
    """This user's cache folder for frames (XDG on Linux, ``Library/Caches`` on macOS, ``LOCALAPPDATA``)."""
    return settings.user_cache_base(sys.platform, Path.home()) / "spinelab" / "frames"


def cache_folder() -> Path | None:
    """Where frames are kept: :data:`CACHE_ENV`, or the user's cache folder; None when it is ``off``."""
    return settings.frame_cache_folder(user_cache_folder())


def max_bytes() -> int:
    """The cache folder's size limit in bytes (:data:`MAX_MB_ENV`, else :data:`DEFAULT_MAX_MB`)."""
    return int(max(settings.frame_cache_mb(DEFAULT_MAX_MB), 1.0) * 2**20)


class FrameCache:
    """Encoded frames by key, in a folder shared between processes and in this process's memory.

    Parameters
    ----------
    folder : Path or None
        The cache folder (made when first written); None keeps frames in memory only.
    limit : int
        Largest size of the folder, bytes.
    """

    def __init__(self, folder: Path | None, limit: int) -> None:
        self.folder = folder
        self.limit = limit
        self.memory: OrderedDict[str, bytes] = OrderedDict()
        self._written = 0
        self._touched: dict[str, float] = {}

    def path(self, key: str) -> Path:
        """The file of ``key`` (in a sub-folder named by its first two characters)."""
        assert self.folder is not None
        return self.folder / key[:2] / f"{key}.frame"

    def get(self, key: str) -> bytes | None:
        """The frame stored under ``key``, or None (a missing, partial or corrupt file is a miss)."""
        if key in self.memory:
            self.memory.move_to_end(key)
            self._touch(key)
            return self.memory[key]
        if self.folder is None:
            return None
        path = self.path(key)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        frame = data[DIGEST_BYTES:]
        if len(data) <= DIGEST_BYTES or hashlib.blake2b(frame, digest_size=DIGEST_BYTES).digest() != data[
                :DIGEST_BYTES]:
            path.unlink(missing_ok=True)
            return None
        self._remember(key, frame)
        self._touch(key, force=True)
        return frame

    def put(self, key: str, frame: bytes) -> None:
        """Store ``frame`` under ``key``: in memory, and in the folder by an atomic rename."""
        self._remember(key, frame)
        if self.folder is None:
            return
        path = self.path(key)
        temporary = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{key[:8]}-", suffix=_TEMP_SUFFIX)
            with os.fdopen(handle, "wb") as out:
                out.write(hashlib.blake2b(frame, digest_size=DIGEST_BYTES).digest())
                out.write(frame)
            os.replace(temporary, path)
            temporary = None
        except OSError:
            return  # a full or read-only disk: the frame stays in memory only
        finally:
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)
        self._touched[key] = time.monotonic()
        self._written += len(frame) + DIGEST_BYTES
        if self._written >= self.limit * TRIM_SHARE:
            self.trim()

    def trim(self) -> int:
        """Delete the least recently used frames until the folder holds :data:`TRIM_TO` of the limit or less.

        Returns
        -------
        int
            Bytes left in the folder.
        """
        self._written = 0
        if self.folder is None:
            return 0
        entries, now = [], time.time()
        try:
            folders = [entry for entry in os.scandir(self.folder) if entry.is_dir(follow_symlinks=False)]
        except OSError:
            return 0
        for sub in folders:
            try:
                files = list(os.scandir(sub.path))
            except OSError:
                continue
            for entry in files:
                try:
                    stat = entry.stat(follow_symlinks=False)
                except OSError:
                    continue  # deleted by another process meanwhile
                if entry.name.endswith(_TEMP_SUFFIX):
                    if now - stat.st_mtime > STALE_SECONDS:
                        Path(entry.path).unlink(missing_ok=True)
                    continue
                entries.append((stat.st_mtime, stat.st_size, entry.path))
        total = sum(size for _, size, _ in entries)
        if total <= self.limit:
            return total
        entries.sort()
        for _, size, path in entries:
            if total <= self.limit * TRIM_TO:
                break
            Path(path).unlink(missing_ok=True)
            total -= size
        return total

    def _remember(self, key: str, frame: bytes) -> None:
        self.memory[key] = frame
        self.memory.move_to_end(key)
        while len(self.memory) > MEMORY_FRAMES:
            self.memory.popitem(last=False)

    def _touch(self, key: str, force: bool = False) -> None:
        """Renew the file's modification time (the LRU order), at most every :data:`TOUCH_SECONDS`."""
        if self.folder is None:
            return
        now = time.monotonic()
        if not force and now - self._touched.get(key, -TOUCH_SECONDS) < TOUCH_SECONDS:
            return
        self._touched[key] = now
        with contextlib.suppress(OSError):  # deleted by a trim elsewhere: the next miss writes it again
            os.utime(self.path(key))


_shared: FrameCache | None = None


def shared() -> FrameCache:
    """This process's cache, on the folder and limit the environment gives (see :func:`cache_folder`)."""
    global _shared
    folder, limit = cache_folder(), max_bytes()
    if _shared is None or _shared.folder != folder or _shared.limit != limit:
        _shared = FrameCache(folder, limit)
    return _shared


def frame(pixels: np.ndarray, name: str | None = None) -> bytes:
    """The encoded frame of ``pixels``: from the shared cache, or encoded now and stored.

    Parameters
    ----------
    pixels : numpy.ndarray
        RGBA pixels, height x width x 4 (a canvas's ``buffer_rgba()``).
    name : str, optional
        The encoding (default: :func:`encoding`).
    """
    name = name or encoding()
    cache = shared()
    key = frame_key(pixels, name)
    found = cache.get(key)
    if found is None:
        found = encode(pixels, name)
        cache.put(key, found)
    return found
