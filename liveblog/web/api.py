"""The JSON API: blogs and entries, for scripts, the desk's fetch calls and other newsrooms."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .. import auth, model, text
from ..model import User, ValidationError
from ..pagecache import Rendered
from ..runtime import runtime_of
from ..services import blogs, entries, ledger, queue
from ..store import Idempotency, NotFound
from .caching import FEED_CACHE_CONTROL, cached, content_tag, validators
from .errors import ApiError

MAX_PAGE = 100


async def read_json(request: Request, allowed: set[str]) -> dict[str, Any]:
    """The request's JSON object: malformed is 400; wrong shape, a string with a control character or a lone
    surrogate anywhere in it (``text.find_problem``), or an unknown field is 422."""
    raw = await request.body()
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ApiError(400, "request body is not valid UTF-8") from None
    except RecursionError:
        raise ApiError(400, "request body is nested too deeply") from None
    except ValueError as exc:
        raise ApiError(400, "request body is not valid JSON", str(exc)) from None
    if not isinstance(data, dict):
        raise ApiError(422, "request body must be a JSON object", {"field": "body", "message": "must be an object"})
    bad = text.find_problem(data)  # first, so that no answer has to repeat a character it cannot carry
    if bad:
        path, template, values = bad
        raise ValidationError(path, template, **values)
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValidationError(unknown[0], "is not a known field")
    return data


SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


async def current_user(request: Request) -> User | None:
    """A Bearer API token, else the desk's session cookie (with X-CSRF-Token on unsafe methods)."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return await auth.user_for_token(runtime_of(request).store, token.strip(), auth.API, model.utc_now())
    session = request.cookies.get(auth.SESSION_COOKIE)
    if not session:
        return None
    user = await auth.user_for_token(runtime_of(request).store, session, auth.SESSION, model.utc_now())
    unsafe = user is not None and request.method not in SAFE_METHODS
    if unsafe and not auth.csrf_ok(session, request.headers.get(auth.CSRF_HEADER)):
        raise ApiError(403, "CSRF token missing or wrong", "send the page's X-CSRF-Token header")
    return user


async def require_user(request: Request) -> User:
    user = await current_user(request)
    if user is None:
        raise ApiError(401, "authentication required", "send Authorization: Bearer <token>",
                       headers={"WWW-Authenticate": 'Bearer realm="liveblog"'})
    return user


def idempotency(request: Request, data: dict[str, Any]) -> Idempotency | None:
    key = request.headers.get("idempotency-key")
    if key is None:
        return None
    if not (1 <= len(key) <= 200) or not key.isprintable():
        raise ApiError(400, "Idempotency-Key must be 1-200 printable characters")
    canonical = json.dumps([request.method, request.url.path, data], sort_keys=True, separators=(",", ":"))
    return Idempotency(key, hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest())


def int_param(request: Request, name: str, default: int | None, *, low: int = 0,
              high: int = model.MAX_ID) -> int | None:
    """A whole number from the query string; out of range (past what a store holds, at most) is 422 naming it."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    if not (raw.isascii() and raw.isdigit()):  # int() also takes "+5", "1_0", " 5" and other scripts' digits
        raise ValidationError(name, "must be a whole number")
    value = int(raw) if len(raw) <= len(str(high)) else high + 1
    if not low <= value <= high:
        raise ValidationError(name, "must be between %(low)s and %(high)s", low=low, high=high)
    return value


def parse_id(raw: str) -> int | None:
    """An id written in a URL: ASCII digits, from 1 to MAX_ID. Anything else can name nothing (None)."""
    if not (raw.isascii() and raw.isdigit()) or len(raw) > len(str(model.MAX_ID)):
        return None
    value = int(raw)
    return value if 0 < value <= model.MAX_ID else None


def entry_id_of(request: Request) -> int:
    """The path's entry id: one that cannot exist is 404, like one that does not."""
    entry_id = parse_id(request.path_params["entry_id"])
    if entry_id is None:
        raise NotFound("entry")
    return entry_id


def before_of(request: Request) -> int | None:
    """``?before=<entry id>`` of a reader page or a feed: absent is the first page, one that cannot be an id 404."""
    raw = request.query_params.get("before")
    if raw is None:
        return None
    before = parse_id(raw)
    if before is None:
        raise NotFound("page")
    return before


async def blog_or_404(request: Request) -> model.Blog:
    blog = await runtime_of(request).store.get_blog(request.path_params["slug"])
    if blog is None:
        raise NotFound("blog")
    return blog


async def list_blogs(request: Request) -> Response:
    blogs = await runtime_of(request).store.list_blogs()
    return JSONResponse({"blogs": [b.to_json() for b in blogs]})


async def create_blog(request: Request) -> Response:
    user = await require_user(request)
    blogs.check_may_create(user)
    data = await read_json(request, blogs.NEW_BLOG_FIELDS)
    blog = await blogs.create(runtime_of(request).store, user, blogs.new_blog_input(data))
    return JSONResponse(blog.to_json(), status_code=201, headers={"Location": f"/api/blogs/{blog.slug}"})


async def get_blog(request: Request) -> Response:
    """The blog and a page of its entries, from the render cache while its log has not moved."""
    page_size = runtime_of(request).settings.page_size
    limit = int_param(request, "limit", page_size, low=1, high=MAX_PAGE) or page_size
    before = int_param(request, "before", None, low=1)
    return await cached(request, lambda blog, variant: blog_json(request, blog, variant, limit, before), limit, before)


async def blog_json(request: Request, blog: model.Blog, variant: tuple[object, ...], limit: int,
                    before: int | None) -> Rendered:
    found = await runtime_of(request).store.list_entries(blog.slug, before=before, limit=limit + 1)
    more = len(found) > limit
    found = found[:limit]
    body = blog.to_json()
    body["entries"] = [e.to_json() for e in found]
    body["next_before"] = found[-1].id if more else None
    data = JSONResponse(body).render(body)
    return Rendered.of(blog.last_event_id, data, "application/json", validators(blog, variant))


async def get_log(request: Request) -> Response:
    """The signed log as the reader page checks it (``ledger.log_page``), ``?since=N``: pages of a fixed size, so
    that every reader asks for the same full pages, each tagged by its bytes (``content_tag``): a reader coming
    back is answered 304. A full page is kept as long as a feed (a withdrawal leaves it as soon); the last one,
    whose head must be the page's, is asked again each time (no-cache)."""
    since = int_param(request, "since", 0, low=0) or 0
    return await cached(request, lambda blog, variant: log_json(request, blog, since), since)


async def log_json(request: Request, blog: model.Blog, since: int) -> Rendered:
    runtime = runtime_of(request)
    body = await ledger.log_page(runtime.store, runtime.key, blog, since)
    data = JSONResponse(body).render(body)
    keep = FEED_CACHE_CONTROL if body["next_since"] is not None else "no-cache"
    headers = {"Cache-Control": keep, "Access-Control-Allow-Origin": "*", "ETag": content_tag(data)}
    return Rendered.of(blog.last_event_id, data, "application/json", headers)


async def update_blog(request: Request) -> Response:
    user = await require_user(request)
    store = runtime_of(request).store
    blog = await blogs.blog_to_change(store, user, request.path_params["slug"])
    data = await read_json(request, blogs.CHANGEABLE_FIELDS)
    updated = await blogs.change(store, user, blog, blogs.changes_input(data))
    return JSONResponse(updated.to_json())


async def create_entry(request: Request) -> Response:
    """Refused (404, 403) before the body is read; then the same rules as the desk's form (``entries``)."""
    user = await require_user(request)
    runtime = runtime_of(request)
    blog = await entries.blog_to_post(runtime.store, user, request.path_params["slug"])
    data = await read_json(request, queue.POST_FIELDS)
    fields = entries.entry_input(data)
    done, created = await queue.post(runtime.store, runtime.posts, user, blog, fields, queue.draft_input(data),
                                     idempotency(request, data))
    if isinstance(done, model.Filing):  # kept, not published: 202 for the editors' queue, 201 for a draft
        status = 202 if done.state == model.QUEUED else 201 if created else 200
        return JSONResponse(done.to_json(), status_code=status)
    location = {"Location": f"/api/blogs/{blog.slug}/entries/{done.id}"}
    return JSONResponse(done.to_json(), status_code=201 if created else 200, headers=location)


async def get_entry(request: Request) -> Response:
    entry = await entries.find_entry(runtime_of(request).store, request.path_params["slug"], entry_id_of(request))
    return JSONResponse(entry.to_json(), headers={"ETag": f'"{entry.revision}"'})


def if_match(request: Request) -> int | None:
    """The revision an ETag named: ASCII digits like an id (``int()`` also took ``1_0``, `` +1`` and ``-1``)."""
    raw = request.headers.get("if-match")
    if raw is None:
        return None
    revision = parse_id(raw.removeprefix("W/").strip('"'))
    if revision is None:
        raise ApiError(400, "If-Match must be an entry revision number")
    return revision


async def correct_entry(request: Request) -> Response:
    user = await require_user(request)
    store = runtime_of(request).store
    entry = await entries.entry_to_correct(store, user, request.path_params["slug"], entry_id_of(request))
    data = await read_json(request, entries.CORRECTION_FIELDS)
    corrected = await entries.correct(store, user, entry, entries.correction_input(data), if_match=if_match(request),
                                      key=idempotency(request, data))
    return JSONResponse(corrected.to_json(), headers={"ETag": f'"{corrected.revision}"'})


async def retract_entry(request: Request) -> Response:
    user = await require_user(request)
    store = runtime_of(request).store
    entry = await entries.entry_to_withdraw(store, user, request.path_params["slug"], entry_id_of(request))
    data = await read_json(request, entries.WITHDRAWAL_FIELDS)
    retracted = await entries.withdraw(store, user, entry, entries.note_input(data), key=idempotency(request, data))
    return JSONResponse(retracted.to_json())


async def reopen_blog(request: Request) -> Response:
    user = await require_user(request)
    reopened = await blogs.reopen(runtime_of(request).store, user, request.path_params["slug"])
    return JSONResponse(reopened.to_json())


async def get_queue(request: Request) -> Response:
    """The signed-in person's view of the queue and their drafts: never public, never cached."""
    user = await require_user(request)
    blog = await blog_or_404(request)
    waiting, drafts = await queue.visible(runtime_of(request).store, user, blog.slug)
    return JSONResponse({"queue": [f.to_json() for f in waiting], "drafts": [f.to_json() for f in drafts]},
                        headers={"Cache-Control": "no-store"})


async def publish_filing(request: Request) -> Response:
    user = await require_user(request)
    store = runtime_of(request).store
    filing = await queue.filing_to_decide(store, user, request.path_params["slug"], entry_id_of(request),
                                          publishing=True)
    data = await read_json(request, queue.PUBLICATION_FIELDS)
    entry = await queue.publish(store, user, filing, queue.edit_input(data))
    return JSONResponse(entry.to_json(), status_code=201,
                        headers={"Location": f"/api/blogs/{entry.blog}/entries/{entry.id}"})


async def decline_filing(request: Request) -> Response:
    user = await require_user(request)
    store = runtime_of(request).store
    filing = await queue.filing_to_decide(store, user, request.path_params["slug"], entry_id_of(request),
                                          publishing=False)
    data = await read_json(request, queue.DECLINE_FIELDS)
    declined = await queue.decline(store, user, filing, entries.note_input(data))
    return JSONResponse(declined.to_json())


async def healthz(request: Request) -> Response:
    runtime = runtime_of(request)
    return JSONResponse({"status": "ok", "schema_version": runtime.store.schema_version,
                         "render_cache": runtime.pages.stats()})


probe = [Route("/healthz", healthz)]  # first of all routes: a platform asks it every few seconds

routes = [
    Route("/api/blogs", list_blogs, methods=["GET"]),
    Route("/api/blogs", create_blog, methods=["POST"]),
    Route("/api/blogs/{slug}", get_blog, methods=["GET"]),
    Route("/api/blogs/{slug}", update_blog, methods=["PATCH"]),
    Route("/api/blogs/{slug}/log", get_log, methods=["GET"]),
    Route("/api/blogs/{slug}/entries", create_entry, methods=["POST"]),
    Route("/api/blogs/{slug}/entries/{entry_id}", get_entry, methods=["GET"]),
    Route("/api/blogs/{slug}/entries/{entry_id}/corrections", correct_entry, methods=["POST"]),
    Route("/api/blogs/{slug}/entries/{entry_id}/retraction", retract_entry, methods=["POST"]),
    Route("/api/blogs/{slug}/reopen", reopen_blog, methods=["POST"]),
    Route("/api/blogs/{slug}/queue", get_queue, methods=["GET"]),
    Route("/api/blogs/{slug}/entries/{entry_id}/publication", publish_filing, methods=["POST"]),
    Route("/api/blogs/{slug}/entries/{entry_id}/decline", decline_filing, methods=["POST"]),
]
