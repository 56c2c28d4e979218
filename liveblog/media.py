"""Photos without metadata: decode, turn upright, shrink, re-encode as a bare JPEG.

A correspondent's photo must never say where they stand: GPS position, camera serial
and time all live in metadata (EXIF, XMP, IPTC, ICC, comments), so the stored file is
rebuilt from pixels only. The bytes are judged by decoding them, never by their name.
"""

from __future__ import annotations

import io
import math
import os
import secrets
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_SIDE = 1600
MAX_PIXELS = 60_000_000  # a decompression bomb is refused before it fills memory
QUALITY = 82


class NotAnImage(ValueError):
    pass


@dataclass(frozen=True)
class Photo:
    data: bytes
    width: int
    height: int


def clean_photo(raw: bytes) -> Photo:
    """The photo as a new JPEG of at most ``MAX_SIDE`` px, carrying pixels and nothing else."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw)) as img:
                if img.width * img.height > MAX_PIXELS:
                    raise NotAnImage("the image is too large in pixels")
                # JPEGs can be decoded at 1/2, 1/4 or 1/8 scale: several times faster for a phone's 12 MP photo.
                scale = min(1.0, MAX_SIDE / max(img.width, img.height))
                img.draft("RGB", (math.ceil(img.width * scale), math.ceil(img.height * scale)))
                img.load()
                upright = ImageOps.exif_transpose(img)
    except NotAnImage:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):
        raise NotAnImage("the file is not an image this server can read") from None
    rgb = upright.convert("RGB")
    rgb.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    # A new image from the pixels alone: no info dict, no EXIF, XMP, ICC profile or comment to carry over.
    bare = Image.new("RGB", rgb.size)
    bare.paste(rgb)
    out = io.BytesIO()
    bare.save(out, "JPEG", quality=QUALITY, optimize=True, progressive=True)
    return Photo(out.getvalue(), bare.width, bare.height)


def new_name() -> str:
    return secrets.token_urlsafe(18).replace("-", "a").replace("_", "b") + ".jpg"


def valid_name(name: str) -> bool:
    stem, dot, ext = name.partition(".")
    return bool(stem) and stem.isalnum() and stem.isascii() and dot == "." and ext == "jpg" and len(name) <= 64


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
