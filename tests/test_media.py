"""Photos: judged by decoding, turned upright, shrunk to 1600 px and stored without any metadata.

Pins: a JPEG carrying EXIF GPS, camera serial and a comment comes back as a JPEG with no
EXIF, no ICC profile, no comment; an EXIF-rotated photo is stored upright; the longest side
is at most 1600 px; the row is in the `media` table and the file at `<media_path>/<name>`;
`GET /media/<name>` serves it; a file named .jpg that is not an image is 422; an upload
over max_upload_bytes is 413; anonymous uploads are 401; an entry can show the photo
(`<img src="/media/...">` survives the sanitizer).
"""

from __future__ import annotations

import io
import os

from PIL import Image

from desk import signed_in


def gps_jpeg(size: tuple[int, int] = (2400, 1200), orientation: int = 1) -> bytes:
    img = Image.new("RGB", size, (200, 30, 30))
    img.paste((20, 20, 220), (0, 0, size[0] // 4, size[1] // 4))  # a blue top-left corner
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0112] = orientation
    exif[0xA431] = "SERIAL-123456"  # BodySerialNumber
    exif[0x9003] = "2026:11:22 23:10:00"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (33.0, 30.0, 15.0), "E", (36.0, 17.0, 40.0)
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif, comment=b"taken at the square")
    return out.getvalue()


def upload(site, data: bytes, name: str = "photo.jpg", caption: str = "The square"):
    return site.client.post("/api/media", files={"file": (name, data, "image/jpeg")}, data={"caption": caption},
                            headers=site.headers("amal"))


def test_gps_and_every_other_tag_are_stripped(site):
    site.user("amal")
    raw = gps_jpeg()
    assert Image.open(io.BytesIO(raw)).getexif().get_ifd(0x8825), "the test photo does carry GPS"
    r = upload(site, raw)
    assert r.status_code == 201, r.text
    photo = r.json()
    assert photo["url"] == f"/media/{photo['name']}" and photo["markdown"] == f"![The square]({photo['url']})"
    stored_path = os.path.join(site.settings.media_path, photo["name"])
    with open(stored_path, "rb") as f:
        stored = f.read()
    assert b"Exif" not in stored and b"SERIAL" not in stored and b"square" not in stored
    img = Image.open(io.BytesIO(stored))
    assert img.format == "JPEG" and len(img.getexif()) == 0
    assert "icc_profile" not in img.info and "comment" not in img.info and "exif" not in img.info
    assert max(img.size) == 1600 and img.size == (photo["width"], photo["height"]) == (1600, 800)
    served = site.client.get(photo["url"])
    assert served.status_code == 200 and served.content == stored
    assert served.headers["content-type"] == "image/jpeg"
    stored_row = site.sql("SELECT width, height, caption FROM media WHERE id = ?", photo["name"])
    assert stored_row == [(1600, 800, "The square")]


def test_an_exif_rotated_photo_is_stored_upright(site):
    site.user("amal")
    r = upload(site, gps_jpeg((800, 400), orientation=6))  # 6: rotate 90° clockwise to view
    assert r.status_code == 201
    with open(os.path.join(site.settings.media_path, r.json()["name"]), "rb") as f:
        img = Image.open(io.BytesIO(f.read()))
    assert img.size == (400, 800)
    r_, _, b_ = img.convert("RGB").getpixel((img.width - 10, 10))
    assert b_ > 150 and r_ < 100, "the blue corner moved to the top right, as the phone showed it"


def test_a_file_named_jpg_that_is_not_an_image_is_refused(site):
    site.user("amal")
    r = upload(site, b"\xff\xd8\xff\xe0 this is not really a jpeg " * 20)
    assert r.status_code == 422 and r.json()["error"]
    r = upload(site, b"<script>alert(1)</script>", name="x.jpg")
    assert r.status_code == 422
    assert site.sql("SELECT count(*) FROM media") == [(0,)]
    assert not os.path.exists(site.settings.media_path) or os.listdir(site.settings.media_path) == []


def test_a_file_over_the_limit_is_413(site_with):
    site = site_with(max_upload_bytes=100_000)
    site.user("amal")
    r = upload(site, os.urandom(150_000))
    assert r.status_code == 413 and r.json()["error"]
    assert site.sql("SELECT count(*) FROM media") == [(0,)]


def test_uploads_need_a_signed_in_person(site):
    r = site.client.post("/api/media", files={"file": ("p.jpg", gps_jpeg((100, 100)), "image/jpeg")})
    assert r.status_code == 401
    client, csrf = signed_in(site, "amal")
    r = client.post("/api/media", files={"file": ("p.jpg", gps_jpeg((100, 100)), "image/jpeg")})
    assert r.status_code == 403, "the session cookie alone is not enough: CSRF"
    r = client.post("/api/media", files={"file": ("p.jpg", gps_jpeg((100, 100)), "image/jpeg")},
                    headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201
    client.close()


def test_unknown_or_odd_names_are_404(site):
    assert site.client.get("/media/nothere.jpg").status_code == 404
    assert site.client.get("/media/..%2Fetc%2Fpasswd").status_code == 404


def test_an_entry_shows_the_photo(site):
    site.blog("strike")
    site.user("amal")
    photo = upload(site, gps_jpeg((300, 200))).json()
    entry = site.entry("strike", f"Crowd at noon.\n\n{photo['markdown']}")
    assert f'<img src="{photo["url"]}" alt="The square"' in entry["body_html"]
