"""What one photo upload may cost in memory is bounded, and the memory comes back afterwards.

A 168 KB PNG of 7,700 x 7,700 px used to cost ~800 MB of RSS, four at once peaked at 3.1 GB and 1.6 GB
stayed resident. Now at most ``media.MAX_DECODED_PIXELS`` are decoded (a JPEG is decoded at 1/2 to 1/8
scale first, so large phone photos still pass), one upload at a time in the whole process, and the freed
pages go back to the system. Measured here on this process's /proc/self/status: the server runs in it.
"""

from __future__ import annotations

import importlib.util
import io
from concurrent.futures import ThreadPoolExecutor

from PIL import Image

from conftest import ROOT
from liveblog import media
from test_media import upload

_SCRIPT = importlib.util.spec_from_file_location("photo_memory", ROOT / "scripts" / "photo_memory.py")
assert _SCRIPT is not None and _SCRIPT.loader is not None
photo_memory = importlib.util.module_from_spec(_SCRIPT)
_SCRIPT.loader.exec_module(photo_memory)
png = photo_memory.png  # a square PNG that compresses to a few hundred KB whatever its size: a cheap bomb


def mib(field: str) -> float:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) / 1024 for line in f if line.startswith(field + ":"))


def reset_peak() -> None:
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # VmHWM starts again from the current RSS


def test_a_huge_png_is_refused_before_it_is_decoded(site):
    site.user("amal")
    raw = png(7700)  # 59 MP: under the 60 MP a file may claim, over what is decoded whole
    assert len(raw) < 400_000
    reset_peak()
    before = mib("VmRSS")
    r = upload(site, raw, name="wall.png")
    assert r.status_code == 422 and r.json()["detail"]["field"] == "file", r.text
    assert "too large in pixels" in r.json()["detail"]["message"]
    assert mib("VmHWM") - before < 50, "it was decoded anyway"
    assert site.sql("SELECT count(*) FROM media") == [(0,)]


def test_four_uploads_at_once_peak_low_and_the_memory_comes_back(site):
    site.user("amal")
    raw = png(3400)  # 11.6 MP: just under the cap; 35 MB of RGB once decoded
    upload(site, png(200), name="warm.png")  # the decoder thread and its libraries are loaded
    reset_peak()
    before = mib("VmRSS")
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: upload(site, raw, name="shot.png"), range(4)))
    assert [r.status_code for r in answers] == [201] * 4, [r.text for r in answers]
    assert all(r.json()["width"] == r.json()["height"] == media.MAX_SIDE for r in answers)
    peak, after = mib("VmHWM") - before, mib("VmRSS") - before
    # before: peak +630 MiB, +440 MiB kept (four decodes at once, each in its own thread's arena)
    assert peak < 200, f"peak +{peak:.0f} MiB"
    assert after < 40, f"+{after:.0f} MiB still resident"


def test_a_large_phone_jpeg_still_passes(site):
    site.user("amal")
    img = Image.new("RGB", (6000, 4000), (30, 90, 160))  # 24 MP, decoded at 1/2 scale
    out = io.BytesIO()
    img.save(out, "JPEG", quality=70)
    r = upload(site, out.getvalue())
    assert r.status_code == 201, r.text
    assert (r.json()["width"], r.json()["height"]) == (1600, 1067)
