"""Only Pushpin passes for Pushpin: a stream request is held by the proxy only when its Grip-Sig
verifies with the key, and ``--grip`` without a key is refused (``tests/test_settings.py``).

A request treated as Pushpin's gets hold instructions and is not counted against the per-address
stream limit (Pushpin holds the reader), so a forged or unsigned header must buy nothing.
"""

import base64
import hashlib
import hmac
import json
import time

import httpx
import pytest

from liveblog import grip

KEY = "the-sig-key"


def jwt(claims: dict[str, object], key: str, alg: str = "HS256") -> str:
    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signing = f"{part(json.dumps({'alg': alg, 'typ': 'JWT'}).encode())}.{part(json.dumps(claims).encode())}"
    return f"{signing}.{part(hmac.new(key.encode(), signing.encode(), hashlib.sha256).digest())}"


SOON = {"iss": "pushpin", "exp": int(time.time()) + 3600}


@pytest.mark.unit
@pytest.mark.parametrize("header,key,trusted", [
    (jwt(SOON, KEY), KEY, True),
    (None, KEY, False),
    ("", KEY, False),
    ("anything", "", False),  # no key: nothing is trusted
    (jwt(SOON, ""), "", False),
    (jwt(SOON, "another key"), KEY, False),
    (jwt({"exp": int(time.time()) - 10}, KEY), KEY, False),
    (jwt({"iss": "pushpin"}, KEY), KEY, False),
    (jwt(SOON, KEY, alg="none"), KEY, False),
    ("a.b", KEY, False),
], ids=["signed", "absent", "empty", "no-key", "signed-with-empty-key", "wrong-key", "expired", "no-expiry",
        "alg-none", "malformed"])
def test_signed_by_proxy(header, key, trusted):
    headers = {} if header is None else {"grip-sig": header}
    assert grip.signed_by_proxy(headers, key) is trusted


def test_a_forged_grip_sig_is_counted_against_the_address(site_with):
    site = site_with(grip_url="http://127.0.0.1:9", grip_key=KEY, streams_per_address=1)
    site.blog("strike")
    url = f"{site.url}/blogs/strike/events"
    forged = {"Grip-Sig": jwt(SOON, "guessed")}
    with httpx.stream("GET", url, headers=forged, timeout=10) as held:
        assert held.status_code == 200 and "grip-hold" not in held.headers
        refused = httpx.get(url, headers={"Grip-Sig": "x"}, timeout=10)
        assert refused.status_code == 429 and "grip-hold" not in refused.headers
    signed = httpx.get(url, headers={"Grip-Sig": jwt(SOON, KEY)}, timeout=10)
    assert signed.status_code == 200 and signed.headers["grip-hold"] == "stream"
