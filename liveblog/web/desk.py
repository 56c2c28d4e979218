"""The correspondents' desk: sign-in, sessions, the compose page, corrections, withdrawals, photos.

Every page works without JavaScript (plain forms with a CSRF field, re-shown with the
error and the typed text when refused). ``static/desk.js`` then posts through the JSON
API with the session cookie and an ``X-CSRF-Token`` header, keeping an outbox on the phone.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import secrets
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from .. import auth, i18n, media, model
from ..i18n import Message, Plural
from ..limits import SlidingWindow, retry_after
from ..marks import N_
from ..model import User, ValidationError
from ..render import STATIC, render, today_gmt
from ..runtime import runtime_of
from ..services import Forbidden, TooManyPosts, blogs, entries, people, queue
from ..store import Conflict, Idempotency, NotFound, Store
from .api import blog_or_404, entry_id_of, parse_id, require_user
from .errors import ApiError, error_response

LOGIN_WINDOW = 15 * 60
RECENT = 30
NO_STORE = {"Cache-Control": "no-store"}
# the labels people see beside the desk's fields: a refused form names those, not the API's field names
LABELS = {"title": Message("Title"), "slug": Message("Address"), "headline": Message("Headline"),
          "body": Message("Update"), "supersedes": Message("Supersedes"), "note": Message("Note"),
          "lang": Message("Language"), "language": Message("Language"), "summary": Message("Summary"),
          "intro": Message("Introduction"), "translation_of": Message("Translation of")}
CORRECT_LABELS = {**LABELS, "body": Message("Corrected text"), "note": Message("Correction note")}
WITHDRAW_LABELS = {**LABELS, "note": Message("Why it is withdrawn")}
# What the desk says after an action, where the person is looking (``?done=``): the blog page's notices.
NOTICES = {"queued": Message("Sent to the editor"), "draft": Message("Saved as draft"),
           "declined": Message("Declined"), "corrected": Message("Correction published"),
           "withdrawn": Message("Withdrawn"), "settings": Message("Blog settings saved"),
           "reopened": Message("The blog is live again")}
# the roles the desk names (``_(p.role)`` in desk/index.html), so `make catalogs` finds them
ROLES = (Message("contributor"), Message("correspondent"), Message("editor"))
# a correction sent against a revision someone else's correction replaced (the store's Conflict names revisions)
CHANGED_MEANWHILE = Message("This update was corrected by someone else while you were correcting it. Your text is "
                            "kept below: compare it with the published update, then publish your correction again.")
GMT_TIME = re.compile(r"\d\d:\d\d GMT")
QUEUE_WAIT = 10.0  # seconds a desk's queue request waits for a change before answering "none"
QUEUE_POLL = 0.5  # how often it looks: one indexed query per open desk


class SignInNeeded(Exception):
    pass


def refused(exc: ValidationError, labels: dict[str, Message] = LABELS) -> tuple[Message, str]:
    """A refused field's message, named as the form labels it, in the person's language (the API keeps its
    English for integrators), and the field it is shown at (``supersedes[2]`` is shown at ``supersedes``)."""
    field = re.split(r"[.\[]", exc.field, maxsplit=1)[0]
    return Message("%(field)s: %(message)s", field=labels.get(field, field), message=Message.of(exc)), field


def https(request: Request) -> bool:
    return request.url.scheme == "https"


def address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def safe_next(raw: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    if raw and raw.startswith("/") and not raw.startswith("//") and "\\" not in raw:
        return raw
    return "/desk"


def desk_language(request: Request, user: User | None) -> str:
    """The person's own choice, else the best match for their browser's Accept-Language."""
    if user is not None and user.language in i18n.languages():
        return user.language
    return i18n.negotiate(request.headers.get("accept-language", ""))


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A desk page in the person's language; its ``error``, ``title`` and ``message`` are translated here."""
    lang = desk_language(request, context.get("user"))
    translations = i18n.translations(lang)
    for name in ("error", "title", "message", "notice"):
        value = context.get(name)
        if isinstance(value, Message):
            context[name] = value.translated(translations)
        elif isinstance(value, str) and value:
            context[name] = translations.gettext(value)
    html = render(template, today=today_gmt(), lang=lang, languages=i18n.language_names(), **context)
    return HTMLResponse(html, status_code=status, headers=NO_STORE)


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers=NO_STORE)


def login_limiter(request: Request) -> SlidingWindow:
    runtime = runtime_of(request)
    limits = runtime.limits
    if "login" not in limits:
        limits["login"] = SlidingWindow(runtime.settings.login_attempts, LOGIN_WINDOW)
    return limits["login"]


def set_session(response: Response, request: Request, token: str) -> None:
    response.set_cookie(auth.SESSION_COOKIE, token, max_age=int(auth.SESSION_LIFETIME.total_seconds()), path="/",
                        httponly=True, samesite="strict", secure=https(request))


# sign-in

def login_secret(request: Request) -> tuple[str, bool]:
    """The pre-sign-in cookie the login form's CSRF token is tied to, and whether it is new."""
    current = request.cookies.get(auth.LOGIN_CSRF_COOKIE, "")
    if 20 <= len(current) <= 100:
        return current, False
    return secrets.token_urlsafe(24), True


def login_page(request: Request, status: int = 200, *, error: str | Message = "", name: str = "", token: str = "",
               headers: dict[str, str] | None = None) -> HTMLResponse:
    secret, fresh = login_secret(request)
    response = page(request, "login.html", status, csrf=auth.csrf_token(secret), error=error, name=name,
                    token=token, next=safe_next(request.query_params.get("next")))
    if fresh:
        response.set_cookie(auth.LOGIN_CSRF_COOKIE, secret, path="/login", httponly=True, samesite="lax",
                            secure=https(request))
    response.headers.update(headers or {})
    return response


async def login_form(request: Request) -> Response:
    token = request.query_params.get("token", "")
    return login_page(request, token=token if len(token) <= 200 else "")


def pasted_token(raw: str) -> str:
    """The token from the one-time link as pasted: the code alone, or the whole link (``#token=`` or ``?token=``)."""
    raw = raw.strip()
    return raw.split("token=", 1)[1].split("&", 1)[0] if "token=" in raw else raw


async def login(request: Request) -> Response:
    form = await request.form()
    secret = request.cookies.get(auth.LOGIN_CSRF_COOKIE)
    name = str(form.get("name", ""))[:200]
    if not auth.csrf_ok(secret, str(form.get(auth.CSRF_FIELD, ""))):
        return login_page(request, 403, error=Message("This form has expired. Please try again."), name=name)
    store = runtime_of(request).store
    now = model.utc_now()
    link = pasted_token(str(form.get("token", "")))
    limiter = login_limiter(request)
    keys = [f"address:{address(request)}"] + ([f"account:{name.casefold()}"] if name else [])
    wait = max(limiter.retry_after(k) for k in keys)
    if wait:
        minutes = -(-wait // 60)
        return login_page(request, 429, name=name, headers={"Retry-After": str(wait)},
                          error=Plural("Too many attempts. Try again in %(n)s minute.",
                                       "Too many attempts. Try again in %(n)s minutes.", minutes))
    user: User | None
    if link:
        found = await store.take_token(auth.token_hash(link), auth.LOGIN, now) if len(link) <= 200 else None
        user = found.user if found else None
        error = Message("This sign-in link has been used or has expired. Ask an editor for a new one.")
    else:
        user = await auth.verify_login(store, name, str(form.get("password", "")))
        error = Message("Wrong name or password.")
    if user is None:
        for key in keys:
            limiter.hit(key)
        return login_page(request, 401, error=error, name=name)
    session = await auth.start_session(store, user, now, replacing=request.cookies.get(auth.SESSION_COOKIE))
    response = see_other(safe_next(str(form.get("next", ""))))
    set_session(response, request, session)
    response.delete_cookie(auth.LOGIN_CSRF_COOKIE, path="/login")
    return response


async def logout(request: Request) -> Response:
    """Sign-out is a form like any other: a live session ends only with its CSRF token, and without it nothing
    changes (before, any site could sign a correspondent out: the answer dropped the cookie whatever was sent).
    A cookie that names no live session is dropped; with no cookie sent, no cookie is touched."""
    form = await request.form()
    token = request.cookies.get(auth.SESSION_COOKIE, "")
    if not token:
        return see_other("/login")
    store, now = runtime_of(request).store, model.utc_now()
    if await auth.user_for_token(store, token, auth.SESSION, now) is not None:
        if not auth.csrf_ok(token, str(form.get(auth.CSRF_FIELD, ""))):
            return page(request, "error.html", 403, title=Message("Not allowed"),
                        message=Message("This form has expired: reload the page, then sign out again."))
        await auth.end_session(store, token, now)
    response = see_other("/login")
    response.delete_cookie(auth.SESSION_COOKIE, path="/", httponly=True, samesite="strict", secure=https(request))
    return response


# the desk's pages

async def signed_in(request: Request) -> tuple[User, str]:
    """The person and their CSRF token; anyone else is sent to sign in."""
    token = request.cookies.get(auth.SESSION_COOKIE, "")
    user = await auth.user_for_token(runtime_of(request).store, token, auth.SESSION, model.utc_now())
    if user is None:
        raise SignInNeeded
    return user, auth.csrf_token(token)


async def checked_form(request: Request) -> tuple[User, str, FormData]:
    """A form POST from a signed-in person, with the right CSRF field (403 otherwise)."""
    user, csrf = await signed_in(request)
    form = await request.form()
    if not auth.csrf_ok(request.cookies.get(auth.SESSION_COOKIE), str(form.get(auth.CSRF_FIELD, ""))):
        raise ApiError(403, N_("CSRF token missing or wrong"), "reload the page and try again")  # the desk says it
    return user, csrf, form


async def too_long(request: Request) -> Response:
    """A desk form larger than any legal one (``model.LARGEST_FORM_BYTES``): said in the person's language."""
    try:
        user: User | None = (await signed_in(request))[0]
    except SignInNeeded:
        user = None
    return page(request, "error.html", 413, user=user, title=Message("Too long"),
                message=Message("This is longer than any form on the desk takes. Go back, shorten it and send it "
                                "again."))


async def session_state(request: Request) -> Response:
    """For desk.js: a fresh CSRF token (the session rotates when its owner signs in again elsewhere) and the
    server's time, which corrects a phone's clock. Same-origin JSON: another site cannot read it."""
    try:
        user, csrf = await signed_in(request)
    except SignInNeeded:
        return error_response(401, "authentication required", "sign in again at /login", headers=NO_STORE)
    return JSONResponse({"name": user.name, "csrf": csrf, "now": model.iso(model.utc_now())}, headers=NO_STORE)


def desk_view(handler: Any) -> Any:
    async def view(request: Request) -> Response:
        try:
            return await handler(request)  # type: ignore[no-any-return]
        except SignInNeeded:
            return see_other("/login?next=" + quote(request.url.path, safe="/"))
        except Forbidden as exc:
            return page(request, "error.html", 403, title=Message("Not allowed"), message=Message.of(exc))
        except ApiError as exc:
            if exc.status == 403:
                return page(request, "error.html", 403, title=Message("Not allowed"), message=Message(exc.error))
            raise
    return view


async def desk_home(request: Request, status: int = 200, error: str | Message = "", typed: dict[str, str] | None = None,
                    invalid: str = "") -> Response:
    """The desk's front page; ``invalid`` names the field the ``error`` is about (marked at the field)."""
    user, csrf = await signed_in(request)
    store = runtime_of(request).store
    found = await entries.blogs_shown_to(store, user)
    accounts = [u for u, _ in await store.list_users()] if user.is_editor else []
    return page(request, "desk/index.html", status, user=user, csrf=csrf, blogs=found, people=accounts,
                error=error, invalid=invalid, typed=typed or {}, notice=request.query_params.get("done", ""),
                slug_pattern=model.SLUG_PATTERN)


async def desk_index(request: Request) -> Response:
    return await desk_home(request)


async def create_blog(request: Request) -> Response:
    user, _, form = await checked_form(request)
    blogs.check_may_create(user)
    typed = {"slug": str(form.get("slug", "")), "title": str(form.get("title", "")),
             "language": str(form.get("language", i18n.SOURCE))}
    try:
        new = blogs.new_blog_input({"slug": typed["slug"].strip(), "title": typed["title"],
                                    "language": typed["language"]})
        await blogs.create(runtime_of(request).store, user, new)
    except ValidationError as exc:
        message, field = refused(exc)
        return await desk_home(request, 422, message, typed, field)
    except Conflict:
        taken = Message("Address: a blog at /blogs/%(slug)s already exists; choose another.",
                        slug=typed["slug"].strip())
        return await desk_home(request, 409, taken, typed, "slug")
    return see_other(f"/desk/{new.slug}")


async def end_blog(request: Request) -> Response:
    user, _, _ = await checked_form(request)
    await blogs.end(runtime_of(request).store, user, request.path_params["slug"])
    return see_other("/desk?done=ended")


async def choose_language(request: Request) -> Response:
    """The desk's language for this person, whatever their blogs' languages are."""
    user, _, form = await checked_form(request)
    try:
        await people.choose_language(runtime_of(request).store, user, str(form.get("language", "")))
    except ValidationError as exc:
        return await desk_home(request, 422, refused(exc)[0])
    return see_other("/desk")


def notice_of(request: Request) -> Message | str:
    """The line that says the last action worked (``?done=``; a publication names its time)."""
    done = request.query_params.get("done", "")
    at = request.query_params.get("at", "")
    if done == "published":
        return Message("Published %(time)s", time=at) if GMT_TIME.fullmatch(at) else Message("Published")
    return NOTICES.get(done, "")


async def compose(request: Request, status: int = 200, error: str | Message = "", typed: dict[str, Any] | None = None,
                  headers: dict[str, str] | None = None, invalid: str = "",
                  settings: dict[str, str] | None = None, filing_typed: dict[str, Any] | None = None) -> Response:
    """The blog's desk: compose (while the blog is live), the queue and drafts, the latest updates, and for
    editors the blog's settings; ``settings`` and ``filing_typed`` are what was typed there when refused."""
    user, csrf = await signed_in(request)
    store = runtime_of(request).store
    blog = await entries.blog_to_post(store, user, request.path_params["slug"])  # 403 if not
    recent = await store.list_entries(blog.slug, limit=RECENT)
    wanted = parse_id(request.query_params.get("supersedes", ""))
    typed = typed or {"supersedes": [wanted] if wanted else []}
    response = page(request, "desk/blog.html", status, user=user, csrf=csrf, blog=blog.to_json(), error=error,
                    invalid=invalid, typed=typed, key=secrets.token_urlsafe(16), now=model.iso(model.utc_now()),
                    max_upload_bytes=runtime_of(request).settings.max_upload_bytes, body_limit=model.MAX_BODY,
                    address_pattern=model.ENTRY_ADDRESS,
                    entries=[(e.to_json(), model.may_correct(user, e) and e.retraction is None) for e in recent],
                    notice=notice_of(request), settings=settings or blog.to_json(),
                    **await queue_context(store, user, blog.slug, filing_typed))
    response.headers.update(headers or {})
    return response


async def desk_blog(request: Request) -> Response:
    return await compose(request)


def supersedes_of(form: FormData) -> list[Any]:
    """Ids as the API takes them; anything else stays text, which ``entry_input`` refuses with 422."""
    return [parse_id(v) or v for v in (str(x) for x in form.getlist("supersedes"))]


async def post_entry(request: Request) -> Response:
    """The compose form without JavaScript; the same rules and the same posting limit as the API (``entries``)."""
    user, _, form = await checked_form(request)
    runtime = runtime_of(request)
    blog = await entries.blog_to_post(runtime.store, user, request.path_params["slug"])
    data: dict[str, Any] = {
        "headline": str(form.get("headline", "")), "body": str(form.get("body", "")),
        "key_event": form.get("key_event") is not None, "pinned": form.get("pinned") is not None,
        "supersedes": supersedes_of(form), "lang": str(form.get("lang", "")),
        "translation_of": str(form.get("translation_of", "")),  # the original's address, as typed
    }
    draft = form.get("draft") is not None  # the "Save as draft" button
    try:
        fields = entries.entry_input({**data, "translation_of": model.original_at(data["translation_of"])})
        key = str(form.get("key", ""))
        digest = hashlib.sha256(json.dumps([data, draft], sort_keys=True).encode("utf-8", "surrogatepass")).hexdigest()
        idem = Idempotency("desk-form:" + key, digest) if 8 <= len(key) <= 100 and key.isprintable() else None
        done, _ = await queue.post(runtime.store, runtime.posts, user, blog, fields, draft, idem)
    except TooManyPosts as exc:
        seconds = retry_after(exc.wait)
        refusal = Message("Too many updates in a minute: wait %(seconds)s s, then post again. Your text is kept below.",
                          seconds=seconds)
        return await compose(request, 429, refusal, data, headers={"Retry-After": seconds})
    except ValidationError as exc:
        message, field = refused(exc)
        return await compose(request, 422, message, data, invalid=field)
    except Conflict as exc:
        return await compose(request, 409, Message.of(exc), data)
    return see_other(done_url(blog.slug, done))


def done_url(slug: str, done: model.Entry | model.Filing) -> str:
    """Back to the blog's desk, saying what became of the update."""
    if isinstance(done, model.Filing):
        return f"/desk/{slug}?done={done.state}"
    return f"/desk/{slug}?done=published&at={quote(done.to_json()['time_gmt'])}"


async def change_entry(request: Request, kind: str) -> Response:
    """The Correct and Withdraw pages: GET shows the form, POST applies it (the API's rules, ``entries``)."""
    store = runtime_of(request).store
    blog = await blog_or_404(request)
    found = await entries.find_entry(store, blog.slug, entry_id_of(request))
    if request.method == "POST":
        user, csrf, form = await checked_form(request)
    else:
        user, csrf = await signed_in(request)
        form = FormData()
    check = entries.check_may_correct if kind == "correct" else entries.check_may_withdraw
    check(user, found)
    typed = {"body": str(form.get("body", found.body)), "note": str(form.get("note", ""))}
    error: str | Message
    error, status, invalid = "", 200, ""
    if request.method == "POST":
        try:
            if kind == "correct":
                await entries.correct(store, user, found, entries.correction_input(typed),
                                      if_match=parse_id(str(form.get("revision", ""))))
            else:
                await entries.withdraw(store, user, found, entries.note_input(typed))
            return see_other(f"/desk/{blog.slug}?done={'corrected' if kind == 'correct' else 'withdrawn'}")
        except ValidationError as exc:
            (error, invalid), status = refused(exc, CORRECT_LABELS if kind == "correct" else WITHDRAW_LABELS), 422
        except Conflict as exc:
            error, status = CHANGED_MEANWHILE if exc.current is not None else Message.of(exc), 409
    return page(request, f"desk/{kind}.html", status, user=user, csrf=csrf, blog=blog.to_json(),
                entry=found.to_json(), typed=typed, error=error, invalid=invalid)


async def correct(request: Request) -> Response:
    return await change_entry(request, "correct")


async def withdraw(request: Request) -> Response:
    return await change_entry(request, "withdraw")


# the queue, drafts and the blog's settings

async def queue_context(store: Store, user: User, slug: str,
                        typed: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the queue's part of the page (``desk/_queue.html``) shows this person, and the mark it is at;
    ``typed``: what was typed in one filing's form that was refused, shown again there. The mark is read
    before the lists: a filing made between the two reads is then shown and the mark older than it, so desk.js
    asks again; read after, the mark would count a filing the lists miss, and the desk would never show it."""
    mark = await store.queue_mark(slug)
    waiting, drafts = await queue.visible(store, user, slug)
    return {"queue": [f.to_json() for f in waiting], "drafts": [f.to_json() for f in drafts],
            "queue_mark": mark, "filing_typed": typed or {"id": None}}


async def queue_part(request: Request) -> Response:
    """The queue's part of the page for desk.js. With ``?mark=`` it waits (up to ``QUEUE_WAIT``) until the
    queue differs from that mark, so a second editor's desk follows the first's work within a second; 204 when
    nothing changed. Desk-only and signed-in: the public stream never carries what waits in the queue."""
    user, csrf = await signed_in(request)
    blog = await blog_or_404(request)
    runtime = runtime_of(request)
    seen = request.query_params.get("mark")
    waited = 0.0
    while seen is not None:
        if runtime_of(request) is not runtime or await request.is_disconnected():
            return Response(status_code=204, headers=NO_STORE)
        if await runtime.store.queue_mark(blog.slug) != seen:
            break
        if waited >= QUEUE_WAIT:
            return Response(status_code=204, headers=NO_STORE)
        await asyncio.sleep(QUEUE_POLL)
        waited += QUEUE_POLL
    return page(request, "desk/_queue.html", user=user, csrf=csrf, blog=blog.to_json(), invalid="",
                **await queue_context(runtime.store, user, blog.slug))


async def decide(request: Request, publishing: bool) -> Response:
    """The queue's Publish and Decline buttons (and a draft's Publish): the API's rules (``queue``); a refusal
    re-shows the blog's desk with the message."""
    user, _, form = await checked_form(request)
    store = runtime_of(request).store
    slug = request.path_params["slug"]
    filing = await queue.filing_to_decide(store, user, slug, entry_id_of(request), publishing=publishing)
    typed = {"body": str(form.get("body", "")), "headline": str(form.get("headline", "")),
             "note": str(form.get("note", ""))}
    try:
        if publishing:
            edit = queue.edit_input({k: typed[k] for k in ("body", "headline") if k in form})
            return see_other(done_url(slug, await queue.publish(store, user, filing, edit)))
        await queue.decline(store, user, filing, entries.note_input(typed))
        return see_other(f"/desk/{slug}?done=declined")
    except ValidationError as exc:
        message, field = refused(exc)
        return await compose(request, 422, message, invalid=f"{field}-{filing.id}",
                             filing_typed={"id": filing.id, **typed})
    except Conflict as exc:
        return await compose(request, 409, Message.of(exc))


async def publish_filing(request: Request) -> Response:
    return await decide(request, publishing=True)


async def decline_filing(request: Request) -> Response:
    return await decide(request, publishing=False)


async def blog_settings(request: Request) -> Response:
    """Title, summary, intro and language, from the desk (editors): ``blogs.change``, as the API's PATCH."""
    user, _, form = await checked_form(request)
    store = runtime_of(request).store
    blog = await blogs.blog_to_change(store, user, request.path_params["slug"])
    typed = {name: str(form.get(name, "")) for name in ("title", "summary", "intro", "language")}
    try:
        await blogs.change(store, user, blog, blogs.changes_input(typed))
    except ValidationError as exc:
        message, field = refused(exc)
        return await compose(request, 422, message, invalid=f"blog-{field}",
                             settings=typed)
    return see_other(f"/desk/{blog.slug}?done=settings")


async def confirm_end(request: Request) -> Response:
    """Ending asks first, naming the blog: an ended blog takes no more updates until it is reopened."""
    user, csrf = await signed_in(request)
    blog = await blogs.blog_to_change(runtime_of(request).store, user, request.path_params["slug"],
                                     N_("only editors can end a blog"))
    return page(request, "desk/end.html", user=user, csrf=csrf, blog=blog.to_json())


async def reopen_blog(request: Request) -> Response:
    user, _, _ = await checked_form(request)
    blog = await blogs.reopen(runtime_of(request).store, user, request.path_params["slug"])
    return see_other(f"/desk/{blog.slug}?done=reopened")


# photos

async def upload_media(request: Request) -> Response:
    """A photo from the desk: decoded, turned upright, shrunk and stripped of all metadata before it is stored."""
    user = await require_user(request)
    async with request.form(max_files=1, max_fields=4) as form:  # closes the spooled file on every path
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise ValidationError("file", "is required (multipart/form-data)")
        caption = model.check_text("caption", str(form.get("caption", "")), required=False,
                                   limit=model.MAX_HEADLINE)
        raw = await upload.read()
    try:
        photo = await media.clean_photo_in_turn(raw)
    except media.NotAnImage as exc:
        raise exc.at("file") from None
    except media.Busy as exc:  # too many uploads already waiting for the decoder
        raise ApiError(503, "too many photos being processed", str(exc), headers={"Retry-After": "5"}) from None
    runtime = runtime_of(request)
    name = media.new_name()
    await run_in_threadpool(media.save, runtime.settings.media_path, name, photo.data)
    await runtime.store.add_media(name=name, uploader=user, content_type="image/jpeg", width=photo.width,
                                  height=photo.height, size=len(photo.data), caption=caption.strip(),
                                  now=model.utc_now())
    url = f"/media/{name}"
    alt = caption.strip().replace("[", "(").replace("]", ")").replace("\n", " ")
    return JSONResponse({"name": name, "url": url, "width": photo.width, "height": photo.height,
                         "size": len(photo.data), "caption": caption.strip(), "markdown": f"![{alt}]({url})"},
                        status_code=201, headers={"Location": url})


async def get_media(request: Request) -> Response:
    name = request.path_params["name"]
    runtime = runtime_of(request)
    if not media.valid_name(name) or not await runtime.store.media_exists(name):
        raise NotFound("photo")
    path = os.path.join(runtime.settings.media_path, name)
    if not await run_in_threadpool(os.path.exists, path):
        raise NotFound("photo")
    return FileResponse(path, media_type="image/jpeg",
                        headers={"Cache-Control": "public, max-age=31536000, immutable"})


async def service_worker(request: Request) -> Response:
    """Served from /desk/ so it may control the desk's pages (a worker's scope is its own folder)."""
    return FileResponse(os.path.join(STATIC, "desk-sw.js"), media_type="text/javascript",
                        headers={"Cache-Control": "no-cache"})


routes = [
    Route("/login", login_form, methods=["GET", "HEAD"]),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/desk", desk_view(desk_index), methods=["GET", "HEAD"]),
    Route("/desk/sw.js", service_worker, methods=["GET", "HEAD"]),
    Route("/desk/session.json", session_state, methods=["GET", "HEAD"]),
    Route("/desk/blogs", desk_view(create_blog), methods=["POST"]),
    Route("/desk/language", desk_view(choose_language), methods=["POST"]),
    Route("/desk/{slug}", desk_view(desk_blog), methods=["GET", "HEAD"]),
    Route("/desk/{slug}/end", desk_view(end_blog), methods=["POST"]),
    Route("/desk/{slug}/end", desk_view(confirm_end), methods=["GET", "HEAD"]),
    Route("/desk/{slug}/reopen", desk_view(reopen_blog), methods=["POST"]),
    Route("/desk/{slug}/settings", desk_view(blog_settings), methods=["POST"]),
    Route("/desk/{slug}/queue", desk_view(queue_part), methods=["GET"]),
    Route("/desk/{slug}/filings/{entry_id}/publish", desk_view(publish_filing), methods=["POST"]),
    Route("/desk/{slug}/filings/{entry_id}/decline", desk_view(decline_filing), methods=["POST"]),
    Route("/desk/{slug}/entries", desk_view(post_entry), methods=["POST"]),
    Route("/desk/{slug}/entries/{entry_id}/correct", desk_view(correct), methods=["GET", "POST"]),
    Route("/desk/{slug}/entries/{entry_id}/withdraw", desk_view(withdraw), methods=["GET", "POST"]),
    Route("/api/media", upload_media, methods=["POST"]),
    Route("/media/{name}", get_media, methods=["GET", "HEAD"]),
]
