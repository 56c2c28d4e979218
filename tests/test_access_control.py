"""Who may do what, route by route: anonymous, correspondent, another correspondent, editor, and bad tokens.

The entry acted on belongs to "amal" (a correspondent). Tokens and passwords never appear in error bodies
or in the server's log.
"""

from datetime import timedelta

import pytest

from liveblog import auth, model

PEOPLE = ["anonymous", "amal", "badr", "editor", "wrong token", "revoked token", "expired token"]
OK = {200, 201}

# route, then the people allowed; everyone else must be refused with 401 (no valid credentials) or 403
TABLE = [
    ("GET", "/api/blogs", None, set(PEOPLE)),
    ("GET", "/api/blogs/strike", None, set(PEOPLE)),
    ("GET", "/api/blogs/strike/entries/{id}", None, set(PEOPLE)),
    ("GET", "/api/blogs/strike/events", None, set(PEOPLE)),
    ("GET", "/blogs/strike", None, set(PEOPLE)),
    ("GET", "/blogs/strike/feed.json", None, set(PEOPLE)),
    ("POST", "/api/blogs", {"slug": "new-{who}", "title": "T"}, {"editor"}),
    ("PATCH", "/api/blogs/strike", {"summary": "s"}, {"editor"}),
    ("POST", "/api/blogs/strike/entries", {"body": "x"}, {"amal", "badr", "editor"}),
    ("POST", "/api/blogs/strike/entries/{id}/corrections", {"body": "y", "note": "n"}, {"amal", "editor"}),
    ("POST", "/api/blogs/strike/entries/{id}/retraction", {"note": "n"}, {"amal", "editor"}),
]


@pytest.fixture
def people(site):
    site.blog("strike")
    site.user("amal")
    site.user("badr")
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
    return site, tokens


@pytest.mark.parametrize("method,path,body,allowed", TABLE, ids=[f"{m} {p}" for m, p, _, _ in TABLE])
def test_route_by_person(people, method, path, body, allowed):
    site, tokens = people
    for who in PEOPLE:
        entry = site.entry("strike", "Amal's report", as_="amal")
        headers = {"Authorization": f"Bearer {tokens[who]}"} if who in tokens else {}
        payload = {k: v.format(who=who.split()[0]) if isinstance(v, str) else v for k, v in (body or {}).items()}
        r = site.client.request(method, path.format(id=entry["id"]), json=payload if body else None,
                                headers=headers)
        if who in allowed:
            assert r.status_code in OK, (who, r.status_code, r.text)
        else:
            assert r.status_code == (403 if who in ("amal", "badr", "editor") else 401), (who, r.status_code, r.text)
            assert set(r.json()) == {"error", "detail"}
            for secret in tokens.values():
                assert secret not in r.text


def test_tokens_never_reach_the_log(spawn, tmp_path):
    import httpx

    server = spawn(tmp_path / "log.db")
    token = next(line.split()[-1] for line in server.output().splitlines() if "API token" in line)
    httpx.post(server.url + "/api/blogs", json={"slug": "b", "title": "B"}, headers={"Authorization": f"Bearer {token}"})
    httpx.post(server.url + "/api/blogs", json={}, headers={"Authorization": "Bearer lb_guess"})
    httpx.get(server.url + "/nope", headers={"Authorization": f"Bearer {token}"})
    server.stop()
    after_banner = server.output().split("Uvicorn running", 1)[1]
    assert token not in after_banner and "lb_guess" not in after_banner
