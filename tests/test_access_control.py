"""Who may do what, route by route: anonymous, correspondent, another correspondent, editor, and bad tokens.

The entry acted on belongs to "amal" (a correspondent). Reads are public for everyone, whatever credentials
come with them. Tokens and passwords never appear in error bodies or in the server's log. The tables
cover every route the app has (``test_the_tables_cover_every_route``).
"""

import io
import re
from datetime import timedelta

import httpx
import pytest
from PIL import Image
from starlette.routing import Route

from conftest import liveblog_cmd
from desk import csrf_of, login_attempt
from liveblog import auth, model


def jpeg() -> bytes:
    photo = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(photo, "JPEG")
    return photo.getvalue()


PEOPLE = ["anonymous", "amal", "badr", "editor", "wrong token", "revoked token", "expired token"]
EVERYONE = set(PEOPLE)
OK = {200, 201}
PHOTO = {"file": ("p.jpg", jpeg(), "image/jpeg"), "caption": (None, "The square at noon")}  # multipart

# route, body (JSON, or PHOTO for multipart), then the people allowed; everyone else must be refused
# with 401 (no valid credentials) or 403
TABLE = [
    ("GET", "/", None, EVERYONE),
    ("GET", "/healthz", None, EVERYONE),
    ("GET", "/api/blogs", None, EVERYONE),
    ("GET", "/api/blogs/strike", None, EVERYONE),
    ("GET", "/api/blogs/strike/entries/{id}", None, EVERYONE),
    ("GET", "/api/blogs/strike/events", None, EVERYONE),
    ("GET", "/api/blogs/strike/log", None, EVERYONE),  # the signed log view the reader page checks
    ("GET", "/api/openapi.json", None, EVERYONE),
    ("GET", "/blogs/strike", None, EVERYONE),
    ("GET", "/blogs/strike/entries/{id}", None, EVERYONE),
    ("GET", "/blogs/strike/events", None, EVERYONE),  # the SSE stream
    ("GET", "/blogs/strike/feed.json", None, EVERYONE),
    ("GET", "/blogs/strike/feed.atom", None, EVERYONE),
    ("GET", "/about/feed-extension", None, EVERYONE),
    ("GET", "/blogs/strike/embed", None, EVERYONE),
    ("GET", "/.well-known/liveblog-key.json", None, EVERYONE),
    ("GET", "/media/{photo}", None, EVERYONE),
    ("GET", "/login", None, EVERYONE),
    ("GET", "/desk/sw.js", None, EVERYONE),
    ("POST", "/api/blogs", {"slug": "new-{who}", "title": "T"}, {"editor"}),
    ("PATCH", "/api/blogs/strike", {"summary": "s"}, {"editor"}),
    ("POST", "/api/blogs/strike/entries", {"body": "x"}, {"amal", "badr", "editor"}),
    ("POST", "/api/blogs/strike/entries/{id}/corrections", {"body": "y", "note": "n"}, {"amal", "editor"}),
    ("POST", "/api/blogs/strike/entries/{id}/retraction", {"note": "n"}, {"amal", "editor"}),
    ("POST", "/api/media", PHOTO, {"amal", "badr", "editor"}),
    ("POST", "/api/blogs/strike/reopen", None, {"editor"}),
    ("GET", "/api/blogs/strike/queue", None, {"amal", "badr", "editor"}),  # each sees only their part
    ("GET", "/api/people", None, {"editor"}),
    ("POST", "/api/people", {"name": "new-{who}", "role": "correspondent", "display_name": "New"}, {"editor"}),
    ("GET", "/api/people/dana", None, {"editor"}),
    ("PATCH", "/api/people/dana", {"display_name": "D."}, {"editor"}),
    ("POST", "/api/people/dana/signin-link", {}, {"editor"}),
    ("POST", "/api/people/dana/suspension", {}, {"editor"}),
    ("DELETE", "/api/people/dana/suspension", None, {"editor"}),
    ("PUT", "/api/people/dana/blogs", {"blogs": ["strike"]}, {"editor"}),
]


@pytest.fixture
def people(site):
    site.blog("strike")
    site.user("amal")
    site.user("badr")
    site.user("dana")
    store = site.runtime.store

    async def bad_tokens():
        now = model.utc_now()
        (amal, _) = await store.get_user("amal")
        revoked = await auth.issue_token(store, amal, auth.API, now)
        await store.revoke_tokens(amal.id, auth.API, now, auth.token_hash(revoked))
        expired = await auth.issue_token(store, amal, auth.API, now - timedelta(days=2), timedelta(days=1))
        return revoked, expired

    revoked, expired = site.call(bad_tokens())
    tokens = {name: site.tokens[name] for name in ("amal", "badr", "editor")}
    tokens.update({"wrong token": "lb_" + "x" * 43, "revoked token": revoked, "expired token": expired})
    photo = site.client.post("/api/media", files=PHOTO, headers=site.headers("amal"))
    assert photo.status_code == 201, photo.text
    return site, tokens, photo.json()["name"]


def request_body(body, who: str) -> dict:
    if body is None:
        return {}
    if body is PHOTO:
        return {"files": PHOTO}
    return {"json": {k: v.format(who=who.split()[0]) if isinstance(v, str) else v for k, v in body.items()}}


@pytest.mark.parametrize("method,path,body,allowed", TABLE, ids=[f"{m} {p}" for m, p, _, _ in TABLE])
def test_route_by_person(people, method, path, body, allowed):
    site, tokens, photo = people
    for who in PEOPLE:
        entry = site.entry("strike", "Amal's report", as_="amal")
        headers = {"Authorization": f"Bearer {tokens[who]}"} if who in tokens else {}
        url = path.format(id=entry["id"], photo=photo)
        with site.client.stream(method, url, headers=headers, **request_body(body, who)) as r:
            if not r.headers.get("content-type", "").startswith("text/event-stream"):  # a stream never ends
                r.read()
        if who in allowed:
            assert r.status_code in OK, (who, r.status_code, r.text)
        else:
            assert r.status_code == (403 if who in ("amal", "badr", "editor") else 401), (who, r.status_code, r.text)
            assert set(r.json()) == {"error", "detail"}
            for secret in tokens.values():
                assert secret not in r.text


def use_secrets(server, db) -> dict[str, str]:
    """Sign in with the banner's one-time link, with a password, with API tokens good and bad, and put
    tokens where they do not belong (a query string); return every secret that went over the wire."""
    banner = server.output()
    secrets = {
        "login link": re.search(r"token=(lb_[\w-]+)", banner).group(1),
        "api token": next(line.split()[-1] for line in banner.splitlines() if "API token" in line),
        "password": liveblog_cmd("user", "add", "amal", "--role", "correspondent", db=db).stdout.split()[-1],
        "wrong token": "lb_guess" + "g" * 35,
        "wrong password": "wrong horse battery staple",
    }
    with httpx.Client(base_url=server.url, timeout=10) as browser:
        form = browser.get("/login", params={"token": secrets["login link"]})  # the link, opened
        assert form.status_code == 200
        assert browser.post("/login", data={"csrf": csrf_of(form.text), "token": secrets["login link"]}
                            ).status_code == 303
        secrets["session"] = browser.cookies[auth.SESSION_COOKIE]
        assert browser.get("/desk").status_code == 200
    with httpx.Client(base_url=server.url, timeout=10) as client:
        assert login_attempt(client, "amal", secrets["wrong password"]).status_code == 401
        assert login_attempt(client, "amal", secrets["password"]).status_code == 303
        assert client.get("/login", params={"token": secrets["wrong token"]}).status_code == 200
    api = {"Authorization": f"Bearer {secrets['api token']}"}
    assert httpx.post(server.url + "/api/blogs", json={"slug": "b", "title": "B"}, headers=api).status_code == 201
    assert httpx.post(server.url + "/api/blogs", json={}, headers={"Authorization": f"Bearer {secrets['wrong token']}"}
                      ).status_code == 401
    assert httpx.get(server.url + "/nope", headers=api).status_code == 404
    assert httpx.get(server.url + "/api/blogs", params={"token": secrets["api token"]}).status_code == 200
    server.stop()
    return secrets


def test_tokens_never_reach_the_log(spawn, tmp_path):
    """The startup banner shows the first admin's sign-in link and API token once; that is the only
    place any token or password is ever written, and by default no request is logged at all."""
    db = tmp_path / "log.db"
    server = spawn(db)
    secrets = use_secrets(server, db)
    log = server.output()  # stdout and stderr
    assert log.count(secrets["login link"]) == 1 and log.count(secrets["api token"]) == 1, log
    for name in ("password", "wrong token", "wrong password", "session"):
        assert secrets[name] not in log, (name, log)
    assert '"GET ' not in log and '"POST ' not in log, "no access log unless asked for"


def test_the_access_log_is_opt_in_and_never_records_query_strings(spawn, tmp_path):
    """``--access-log`` records each request with the client's address, but never its query string."""
    db = tmp_path / "access.db"
    server = spawn(db, "--access-log")
    secrets = use_secrets(server, db)
    log = server.output()
    assert '127.0.0.1:' in log and '"GET /login HTTP/1.1" 200' in log and '"POST /api/blogs HTTP/1.1" 201' in log
    assert log.count(secrets["login link"]) == 1 and log.count(secrets["api token"]) == 1, log
    for name in ("password", "wrong token", "wrong password", "session"):
        assert secrets[name] not in log, (name, log)
    assert "token=" not in log.split("Uvicorn running", 1)[1]


# The desk: the same people with sessions instead of tokens. A form needs the session's CSRF field.
# Allowed people get 200 or a redirect that is not to the sign-in page; signed-in people without the
# right get 403; anyone without a live session is sent to sign in. Signing out is allowed to whoever
# has a session, and succeeds when that session no longer opens the desk.
DESK_PEOPLE = ["anonymous", "amal", "badr", "editor", "revoked session", "wrong session"]
SIGNED_IN = {"amal", "badr", "editor"}
DESK_TABLE = [
    ("GET", "/login", None, set(DESK_PEOPLE)),
    ("GET", "/desk/sw.js", None, set(DESK_PEOPLE)),
    ("GET", "/desk", None, SIGNED_IN),
    ("GET", "/desk/{slug}", None, SIGNED_IN),
    ("POST", "/desk/blogs", {"slug": "made-by-{who}", "title": "T"}, {"editor"}),
    ("POST", "/desk/people/dana/revoke", {}, {"editor"}),
    ("GET", "/desk/people", None, {"editor"}),
    ("POST", "/desk/people", {"name": "desk-{who}", "role": "correspondent", "display_name": ""}, {"editor"}),
    ("POST", "/desk/people/dana/link", {}, {"editor"}),
    ("POST", "/desk/people/dana/suspension", {}, {"editor"}),
    ("POST", "/desk/people/dana/blogs", {}, {"editor"}),
    ("POST", "/desk/people/dana/byline", {"display_name": "D."}, {"editor"}),
    ("POST", "/desk/language", {"language": "ru"}, SIGNED_IN),
    ("POST", "/desk/{slug}/end", {}, {"editor"}),
    ("POST", "/desk/{slug}/entries", {"body": "From the square"}, SIGNED_IN),
    ("GET", "/desk/{slug}/entries/{id}/correct", None, {"amal", "editor"}),
    ("POST", "/desk/{slug}/entries/{id}/correct", {"body": "Corrected", "note": "figure"}, {"amal", "editor"}),
    ("GET", "/desk/{slug}/entries/{id}/withdraw", None, {"amal", "editor"}),
    ("POST", "/desk/{slug}/entries/{id}/withdraw", {"note": "wrong photo"}, {"amal", "editor"}),
    ("GET", "/desk/{slug}/end", None, {"editor"}),
    ("POST", "/desk/{slug}/reopen", {}, {"editor"}),
    ("POST", "/desk/{slug}/settings", {"title": "T", "language": "en"}, {"editor"}),
    ("GET", "/desk/{slug}/queue", None, SIGNED_IN),
    ("POST", "/logout", {}, SIGNED_IN),
]


def opens_the_desk(site, session: str) -> bool:
    return httpx.get(site.url + "/desk", cookies={auth.SESSION_COOKIE: session}, timeout=10).status_code == 200


@pytest.fixture
def desk_people(site):
    """A client per person: a revoked session is one amal held before an editor signed her out."""
    from desk import signed_in

    site.user("dana")
    revoked, revoked_csrf = signed_in(site, "amal")
    editor, editor_csrf = signed_in(site, "editor", "editor")
    assert editor.post("/desk/people/amal/revoke", data={"csrf": editor_csrf}).status_code == 303
    clients = {"revoked session": (revoked, revoked_csrf), "editor": (editor, editor_csrf)}
    clients["amal"] = signed_in(site, "amal")
    clients["badr"] = signed_in(site, "badr")
    wrong = httpx.Client(base_url=site.url, timeout=10, cookies={auth.SESSION_COOKIE: "lb_" + "y" * 43})
    clients["wrong session"] = (wrong, "0" * 64)
    clients["anonymous"] = (httpx.Client(base_url=site.url, timeout=10), "")
    yield site, clients
    for client, _ in clients.values():
        client.close()


@pytest.mark.parametrize("method,path,form,allowed", DESK_TABLE, ids=[f"{m} {p}" for m, p, _, _ in DESK_TABLE])
def test_desk_route_by_person(desk_people, method, path, form, allowed):
    site, clients = desk_people
    for n, who in enumerate(DESK_PEOPLE):
        slug = f"desk-{n}"
        site.blog(slug)
        entry = site.entry(slug, "Amal's report", as_="amal")
        client, csrf = clients[who]
        session = client.cookies.get(auth.SESSION_COOKIE, "")
        url = path.format(slug=slug, id=entry["id"])
        if form is None:
            r = client.get(url)
        else:
            data = {k: v.format(who=who.split()[0]) for k, v in form.items()}
            r = client.post(url, data={"csrf": csrf, **data})
        to_sign_in = r.status_code == 303 and r.headers["location"].startswith("/login")
        if who in allowed and path == "/logout":
            assert to_sign_in and not opens_the_desk(site, session), (who, r.status_code)
        elif who in allowed:
            assert r.status_code in (200, 303) and not to_sign_in, (who, r.status_code, r.text[:300])
        elif who in ("amal", "badr", "editor"):
            assert r.status_code == 403, (who, r.status_code, r.text[:300])
        else:
            assert to_sign_in, (who, r.status_code, r.text[:300])
        assert not session or session not in r.text


def test_a_revoked_session_cannot_use_the_api_either(desk_people):
    site, clients = desk_people
    client, csrf = clients["revoked session"]
    site.blog("api-revoked")
    r = client.post("/api/blogs/api-revoked/entries", json={"body": "x"}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 401
    assert client.get("/api/blogs/api-revoked").status_code == 200  # reading stays public


def test_the_tables_cover_every_route(server):
    """A new route without a row here fails: nobody decides who may use it by accident."""
    rows = [(m, p) for m, p, _, _ in TABLE + DESK_TABLE] + [("POST", "/login")]  # open to all: test_login.py
    rows += [("GET", "/desk/session.json")]  # the session's own token, 401 without one: test_csrf.py
    rows += [("GET", "/oembed"), ("POST", "/websub")]  # open to all, with the fields they need: test_embed/_websub
    rows += [("GET", "/static/i18n/ru.json")]  # the scripts' strings, public like every asset: test_i18n_catalogs
    # a filing is decided by an editor (a draft by its author): test_queue.py and test_drafts.py, person by person
    rows += [("POST", f"/api/blogs/strike/entries/1/{act}") for act in ("publication", "decline")]
    rows += [("POST", f"/desk/strike/filings/1/{act}") for act in ("publish", "decline")]
    for route in server.app.routes:
        if not isinstance(route, Route):
            continue  # /static: the assets
        for method in route.methods - {"HEAD"}:
            pattern = re.sub(r"\{[^}]+\}", "[^/]+", route.path)
            assert any(m == method and re.fullmatch(pattern, p) for m, p in rows), (method, route.path)
