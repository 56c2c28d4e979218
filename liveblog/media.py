"""Photos without metadata: decode, turn upright, shrink, re-encode as a bare JPEG.

A correspondent's photo must never say where they stand: GPS position, camera serial
and time all live in metadata (EXIF, XMP, IPTC, ICC, comments), so the stored file is
rebuilt from pixels only. The bytes are judged by decoding them, never by their name.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import io
import math
import os
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from .media_names import new_name, valid_name
from .model import ValidationError

__all__ = ["Busy", "NotAnImage", "Photo", "clean_photo", "clean_photo_in_turn", "new_name", "save", "valid_name"]

MAX_SIDE = 1600
MAX_PIXELS = 60_000_000  # what a file may claim: a decompression bomb is refused before it fills memory
# What may actually be decoded: a JPEG is decoded at 1/2 to 1/8 scale (``draft``), but a PNG, GIF or WebP only
# whole, and a 168 KB PNG of 7,700 x 7,700 px cost 800 MB. 12 MP (a 4000 x 3000 screenshot) at 4 bytes is 48 MB.
MAX_DECODED_PIXELS = 12_000_000
QUALITY = 82
# EXIF orientation -> the transpose that turns the pixels upright (ImageOps.exif_transpose's table).
UPRIGHT = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
           5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
           8: Image.Transpose.ROTATE_90}
# One photo is decoded at a time in the whole process, always in the same thread: four uploads at once peaked at
# 3.1 GB, and decoding in several threads left each thread's malloc arena holding its peak afterwards.
_DECODER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="photo-decoder")
# Each upload waiting its turn holds its raw bytes (up to the upload limit, 20 MB): past this many queued or
# being decoded, a new one is refused (``Busy``) rather than queued.
MAX_WAITING = 8
_in_turn = 0  # uploads queued or being decoded; only the event loop's thread changes it


class Busy(Exception):
    """Too many photos are already waiting to be decoded: try again shortly."""


class NotAnImage(ValidationError):
    """The upload is no photo this server will take: a refusal about the form's ``file`` field, its template the
    catalogs' msgid so that the desk says it in the person's language."""

    def __init__(self, template: str, **values: str | int) -> None:
        super().__init__("file", template, **values)


@dataclass(frozen=True)
class Photo:
    data: bytes
    width: int
    height: int


async def clean_photo_in_turn(raw: bytes) -> Photo:
    """``clean_photo`` in the process's one decoding thread, after the uploads before it; ``Busy`` when
    ``MAX_WAITING`` are already in line."""
    global _in_turn
    if _in_turn >= MAX_WAITING:
        raise Busy(f"{_in_turn} photos are already being processed: try again in a moment")
    _in_turn += 1
    try:
        return await asyncio.get_running_loop().run_in_executor(_DECODER, _clean_and_release, raw)
    finally:
        _in_turn -= 1


def _clean_and_release(raw: bytes) -> Photo:
    try:
        return clean_photo(raw)
    finally:  # every copy of the pixels is garbage by now
        _release_freed_memory()


def clean_photo(raw: bytes) -> Photo:
    """The photo as a new JPEG of at most ``MAX_SIDE`` px, carrying pixels and nothing else."""
    small = _decode_small(raw)
    small.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    # A new image from the pixels alone: no info dict, no EXIF, XMP, ICC profile or comment to carry over.
    bare = Image.new("RGB", small.size)
    bare.paste(small)
    out = io.BytesIO()
    bare.save(out, "JPEG", quality=QUALITY, optimize=True, progressive=True)
    return Photo(out.getvalue(), bare.width, bare.height)


def _decode_small(raw: bytes) -> Image.Image:
    """Upright RGB pixels, reduced by a whole factor to no less than ``MAX_SIDE`` while the decoded copy is freed.

    Never more than ``MAX_DECODED_PIXELS`` are decoded, and each larger copy is dropped as soon as the next exists."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw)) as img:
                if img.width * img.height > MAX_PIXELS:
                    raise NotAnImage("the image is too large in pixels")
                scale = min(1.0, MAX_SIDE / max(img.width, img.height))
                img.draft("RGB", (math.ceil(img.width * scale), math.ceil(img.height * scale)))  # JPEG only
                if img.width * img.height > MAX_DECODED_PIXELS:
                    raise NotAnImage("the image is too large in pixels (at most %(limit)s million unless JPEG)",
                                     limit=MAX_DECODED_PIXELS // 1_000_000)
                orientation = img.getexif().get(0x0112)
                img.load()
                rgb = img if img.mode == "RGB" else img.convert("RGB")
    except NotAnImage:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):
        raise NotAnImage("the file is not an image this server can read") from None
    factor = max(rgb.size) // MAX_SIDE
    if factor >= 2:
        rgb = rgb.reduce(factor)
    return rgb.transpose(UPRIGHT[orientation]) if orientation in UPRIGHT else rgb


def _release_freed_memory() -> None:
    """Hands the decoder's freed pages back to the system (glibc keeps them for reuse otherwise)."""
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _libc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") else None


_LIBC = _libc()


def save(directory: str, name: str, data: bytes) -> None:
    """Written to a temporary file and renamed, so a reader never sees half a photo."""
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, name)
    tmp = path + ".part"
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
