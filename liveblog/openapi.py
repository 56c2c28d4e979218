"""The JSON API described in OpenAPI 3.1, served at ``/api/openapi.json``.

Written by hand and checked in, not generated: the description is a promise to integrators, and the tests
hold the server to it (every route under /api is described, nothing described is missing, and schemathesis
fuzzes the running server from it: no 500, every answer matches). Errors always have one shape,
``{"error": "...", "detail": ...}``.
"""

from __future__ import annotations

from typing import Any

from . import __version__, auth, i18n, languages, model

JSON = "application/json"
TIME = {"type": "string", "format": "date-time"}
MAYBE_TIME = {"type": ["string", "null"], "format": "date-time"}
TEXT = {"type": "string"}
ID = {"type": "integer", "minimum": 1, "maximum": model.MAX_ID}

# Why each error status happens, once; each operation lists the ones it can answer.
ERRORS = {
    400: "malformed: not JSON or not UTF-8, a bad header (Content-Length, If-Match, Idempotency-Key), or a Host "
         "the server does not answer for",
    401: "no valid credentials: send `Authorization: Bearer <token>`",
    403: "not allowed for this person (role, authorship), or a session without its CSRF header",
    404: "no such blog or entry (an id that cannot exist is 404 too)",
    405: "the path exists, the method does not",
    409: "conflict: the slug is taken, the revision moved on (If-Match), or an Idempotency-Key reused for another "
         "request",
    413: "the body is larger than the server accepts (64 KiB, photos 20 MB by default)",
    422: "a field is invalid: `detail.field` names it, `detail.message` says why",
    429: "too many requests: wait `Retry-After` seconds",
    431: "the request headers are too large",
}


# the languages with a catalog: a blog's pages, feeds and stream speak its language (README, "Languages")
LANGUAGE = {"enum": list(i18n.languages()), "description": "the blog's language, default en"}

def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": description, "content": {JSON: {"schema": schema}}}
    if headers:
        answer["headers"] = headers
    return answer


def _object(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    """A request body's object: only these fields, so an unknown one is the 422 the server answers."""
    return {"type": "object", "properties": properties, "required": list(required), "additionalProperties": False}


def _operation(summary: str, ok: dict[int, dict[str, Any]], errors: tuple[int, ...], *, write: bool = False,
               body: dict[str, Any] | None = None, params: tuple[dict[str, Any], ...] = (),
               media: str = JSON) -> dict[str, Any]:
    responses: dict[str, Any] = {str(status): answer for status, answer in ok.items()}
    for status in sorted({*errors, 431, 400} | ({401, 403, 413} if write else set())):
        responses[str(status)] = {"$ref": f"#/components/responses/{status}"}
    operation: dict[str, Any] = {"summary": summary, "responses": responses}
    if params:
        operation["parameters"] = list(params)
    if body is not None:
        operation["requestBody"] = {"required": True, "content": {media: {"schema": body}}}
    if write:
        operation["security"] = [{"bearer": []}, {"session": []}]
    return operation


def _path_param(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema, "description": description}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def _header(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "header", "required": False, "schema": schema, "description": description}


SLUG = _path_param("slug", {"type": "string"}, "the blog's slug (one that cannot exist is 404)")
ENTRY_ID = _path_param("entry_id", ID, "the entry's id, counted across all blogs")
IDEMPOTENCY = _header("Idempotency-Key", {"type": "string", "minLength": 1, "maxLength": 200},
                      "a retry with the same key and body returns the same entry (200), never a duplicate")
LOCATION = {"Location": {"description": "the new resource's path", "schema": TEXT}}
ETAG = {"ETag": {"description": "the entry's revision, for If-Match", "schema": TEXT}}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object", "required": ["error", "detail"],
        "properties": {"error": TEXT, "detail": {"description": "what went wrong: a field's name and message for "
                                                               "422, a limit, or null"},
                       "said": {"type": "string", "description": "a refusal's message (422, 409, 403) in the language "
                                "Accept-Language asks for, when that is not English"}},
    },
    "Blog": {
        "type": "object",
        "required": ["slug", "title", "summary", "intro", "intro_html", "status", "language", "created_at",
                     "ended_at", "last_updated_at", "last_updated_gmt", "last_event_id", "last_changed_at"],
        "properties": {
            "slug": TEXT, "title": TEXT, "summary": TEXT, "intro": TEXT, "intro_html": TEXT,
            "status": {"enum": list(model.BLOG_STATUSES)}, "language": TEXT, "created_at": TIME,
            "ended_at": MAYBE_TIME, "last_updated_at": MAYBE_TIME, "last_updated_gmt": {"type": ["string", "null"]},
            "last_event_id": {"type": "integer", "minimum": 0}, "last_changed_at": MAYBE_TIME,
        },
    },
    "BlogPage": {
        "allOf": [_ref("Blog"), {
            "type": "object", "required": ["entries", "next_before"],
            "properties": {"entries": {"type": "array", "items": _ref("Entry")},
                           "next_before": {"type": ["integer", "null"],
                                           "description": "`?before=` for the next older page, or null"}},
        }],
    },
    "Entry": {
        "type": "object",
        "required": ["id", "blog", "author", "published_at", "filed_at", "updated_at", "time_gmt", "date_gmt",
                     "headline", "body", "body_html", "key_event", "pinned", "status", "supersedes",
                     "superseded_by", "refs", "corrections", "retracted", "revision", "lang", "translation_of",
                     "translations"],
        "properties": {
            "id": ID, "blog": TEXT, "author": TEXT, "published_at": TIME, "filed_at": MAYBE_TIME,
            "updated_at": MAYBE_TIME, "time_gmt": TEXT, "date_gmt": TEXT, "headline": TEXT, "body": TEXT,
            "body_html": TEXT, "key_event": {"type": "boolean"}, "pinned": {"type": "boolean"}, "status": TEXT,
            "supersedes": {"type": "array", "items": ID}, "superseded_by": {"type": "array", "items": ID},
            "refs": {"type": "object", "description": "the times of the entries named in supersedes/superseded_by"},
            "corrections": {"type": "array", "items": {
                "type": "object", "required": ["at", "time_gmt", "note", "previous_body", "by"],
                "properties": {"at": TIME, "time_gmt": TEXT, "note": TEXT, "previous_body": TEXT,
                               "previous_body_html": TEXT, "by": TEXT}}},
            "retracted": {"oneOf": [{"type": "null"}, {
                "type": "object", "required": ["at", "time_gmt", "note", "by"],
                "properties": {"at": TIME, "time_gmt": TEXT, "note": TEXT, "by": TEXT}}]},
            "revision": {"type": "integer", "minimum": 1},
            "lang": {"type": ["string", "null"], "description": "the entry's own language; null: its blog's"},
            "translation_of": {"oneOf": [{"type": "null"}, {"allOf": [_ref("Linked"), {
                "type": "object", "required": ["corrections_since"],
                "description": "the entry of another blog this one translates, with the corrections made to it "
                               "since this one was published"}]}]},
            "translations": {"type": "array", "items": _ref("Linked"),
                             "description": "the entries of other blogs that translate this one"},
        },
    },
    "Linked": {
        "type": "object", "required": ["blog", "id", "url", "lang", "published_at", "time_gmt", "status"],
        "properties": {
            "blog": TEXT, "id": ID, "url": TEXT, "lang": TEXT, "published_at": TIME, "time_gmt": TEXT, "status": TEXT,
            "corrections_since": {"type": "array", "items": {
                "type": "object", "required": ["n", "at", "time_gmt", "url"],
                "properties": {"n": {"type": "integer"}, "at": TIME, "time_gmt": TEXT, "url": TEXT}}},
        },
    },
    "Events": {
        "type": "object", "required": ["events", "last_event_id", "next_since"],
        "properties": {
            "events": {"type": "array", "items": {
                "type": "object", "required": ["id", "event", "at", "data"],
                "properties": {"id": {"type": "integer"}, "event": TEXT, "at": TIME,
                               "data": {"type": "object", "description": "what the SSE stream sends as data"}}}},
            "last_event_id": {"type": "integer"}, "next_since": {"type": ["integer", "null"]},
        },
    },
    "Log": {
        "type": "object", "required": ["log", "next_since", "head"],
        "description": "a page of the signed log, as a mirror carries it (log.jsonl) and the reader page checks it",
        "properties": {
            "log": {"type": "array", "items": {
                "type": "object", "required": ["seq", "kind", "entry_id", "at", "payload", "salt", "digest", "hash"],
                "properties": {"seq": {"type": "integer"}, "kind": TEXT, "entry_id": {"type": ["integer", "null"]},
                               "at": MAYBE_TIME, "payload": {"type": "object"}, "salt": {"type": ["string", "null"]},
                               "digest": {"type": ["string", "null"]}, "hash": {"type": ["string", "null"]}}}},
            "next_since": {"type": ["integer", "null"], "description": "the next page's since; null on the last"},
            "head": {"type": ["object", "null"],
                     "description": "on the last page: the head signed at its last record (the feed's _liveblog.head)"},
        },
    },
    "Filing": {
        "type": "object",
        "description": "an update not (yet) public: queued for an editor, declined, a draft, or published as entry_id",
        "required": ["id", "blog", "author", "status", "filed_at", "time_gmt", "headline", "body", "body_html",
                     "key_event", "pinned", "supersedes", "note", "decided_by", "decided_at", "entry_id", "edited"],
        "properties": {
            "id": ID, "blog": TEXT, "author": TEXT, "byline": TEXT,
            "status": {"enum": [model.QUEUED, model.DECLINED, model.DRAFT, model.PUBLISHED]},
            "filed_at": TIME, "time_gmt": TEXT, "headline": TEXT, "body": TEXT, "body_html": TEXT,
            "key_event": {"type": "boolean"}, "pinned": {"type": "boolean"},
            "supersedes": {"type": "array", "items": ID}, "note": TEXT, "decided_by": {"type": ["string", "null"]},
            "decided_at": MAYBE_TIME, "entry_id": {"type": ["integer", "null"]}, "edited": {"type": "boolean"},
        },
    },
    "Person": {
        "type": "object",
        "required": ["name", "role", "display_name", "created_at", "last_signin_at", "suspended", "suspended_at",
                     "blogs"],
        "properties": {
            "name": {"type": "string", "description": "the login name: private to editors, never shown to readers"},
            "role": {"enum": list(model.ROLES)},
            "display_name": {"type": "string", "description": "the byline readers see"},
            "created_at": TIME, "last_signin_at": MAYBE_TIME, "suspended": {"type": "boolean"},
            "suspended_at": MAYBE_TIME,
            "blogs": {"type": "array", "items": TEXT, "description": "the blogs they may post to; empty: every blog"},
        },
    },
    "SigninLink": {
        "type": "object", "required": ["signin_url"],
        "properties": {"signin_url": {"type": "string", "description": "one time, within 24 hours"}},
    },
    "Photo": {
        "type": "object", "required": ["name", "url", "width", "height", "size", "caption", "markdown"],
        "properties": {"name": TEXT, "url": TEXT, "width": {"type": "integer"}, "height": {"type": "integer"},
                       "size": {"type": "integer"}, "caption": TEXT, "markdown": TEXT},
    },
}

NAME = _path_param("name", {"type": "string"}, "the person's login name")

ENTRY_BODY = _object({
    "body": {"type": "string", "description": "Markdown", "maxLength": model.MAX_BODY},
    "headline": {"type": "string", "maxLength": model.MAX_HEADLINE},
    "key_event": {"type": "boolean"}, "pinned": {"type": "boolean"},
    "supersedes": {"type": "array", "items": ID, "maxItems": model.MAX_SUPERSEDES},
    "filed_at": {**TIME, "description": "when the correspondent wrote it (an offline phone's clock)"},
    "draft": {"type": "boolean", "description": "keep it as a draft, published later (not for contributors)"},
    "lang": {"type": ["string", "null"], "pattern": f"^{languages.TAG_RE.pattern}$",
             "description": "the entry's own language when not its blog's: a BCP 47 tag (ru, kk-Cyrl, pt-BR)"},
    "translation_of": {
        "type": ["object", "null"], "required": ["blog", "id"], "additionalProperties": False,
        "properties": {"blog": {"type": "string", "pattern": model.SLUG_RE.pattern}, "id": ID},
        "description": "the public entry of another blog on this site that this one translates",
    },
}, ("body",))


def _paths() -> dict[str, Any]:
    entry = _json(_ref("Entry"), "the entry", ETAG)
    return {
        "/healthz": {"get": _operation("Is the server up, and its schema version", {200: _json(
            {"type": "object", "required": ["status", "schema_version"],
             "properties": {"status": {"const": "ok"}, "schema_version": {"type": "integer"}}}, "up")}, ())},
        "/api/openapi.json": {"get": _operation("This description", {200: _json({"type": "object"}, "OpenAPI 3.1")},
                                                ())},
        "/api/blogs": {
            "get": _operation("Every blog", {200: _json({"type": "object", "required": ["blogs"], "properties": {
                "blogs": {"type": "array", "items": _ref("Blog")}}}, "the blogs")}, ()),
            "post": _operation("Create a blog (editors)", {201: _json(_ref("Blog"), "created", LOCATION)},
                               (409, 422), write=True, body=_object({
                                   "slug": {"type": "string", "pattern": model.SLUG_RE.pattern},
                                   "title": {"type": "string", "minLength": 1, "maxLength": model.MAX_TITLE},
                                   "summary": {"type": "string", "maxLength": model.MAX_SUMMARY},
                                   "intro": {"type": "string", "description": "Markdown",
                                             "maxLength": model.MAX_INTRO},
                                   "language": LANGUAGE}, ("slug", "title"))),
        },
        "/api/blogs/{slug}": {
            "parameters": [SLUG],
            "get": _operation("A blog and a page of its entries, newest first",
                              {200: _json(_ref("BlogPage"), "the blog")}, (404, 422), params=(
                                  _query("limit", {"type": "integer", "minimum": 1, "maximum": 100}, "page size"),
                                  _query("before", ID, "entries older than this id"))),
            "patch": _operation("Change a blog, or end it (editors)", {200: _json(_ref("Blog"), "the blog")},
                                (404, 422), write=True, body=_object({
                                    "title": {"type": "string", "minLength": 1, "maxLength": model.MAX_TITLE},
                                    "summary": {"type": "string", "maxLength": model.MAX_SUMMARY},
                                    "intro": {"type": "string", "maxLength": model.MAX_INTRO},
                                    "status": {"enum": list(model.BLOG_STATUSES)}, "language": LANGUAGE})),
        },
        "/api/blogs/{slug}/reopen": {
            "parameters": [SLUG],
            "post": _operation("Reopen an ended blog (editors)", {200: _json(_ref("Blog"), "the blog, live")},
                               (404,), write=True),
        },
        "/api/blogs/{slug}/queue": {
            "parameters": [SLUG],
            "get": _operation("The queue (editors: all of it; others: their own) and one's drafts; never public",
                              {200: _json({"type": "object", "required": ["queue", "drafts"], "properties": {
                                  "queue": {"type": "array", "items": _ref("Filing")},
                                  "drafts": {"type": "array", "items": _ref("Filing")}}}, "the queue")},
                              (401, 404)),
        },
        "/api/blogs/{slug}/entries/{entry_id}/publication": {
            "parameters": [SLUG, ENTRY_ID],
            "post": _operation("Publish a queued update (editors) or one's draft, as filed or edited; filed_at is "
                               "kept and its author credited", {201: _json(_ref("Entry"), "published", LOCATION)},
                               (404, 409, 422), write=True, body=_object({
                                   "body": {"type": "string", "maxLength": model.MAX_BODY},
                                   "headline": {"type": "string", "maxLength": model.MAX_HEADLINE}})),
        },
        "/api/blogs/{slug}/entries/{entry_id}/decline": {
            "parameters": [SLUG, ENTRY_ID],
            "post": _operation("Decline a queued update with a note its author sees (editors)",
                               {200: _json(_ref("Filing"), "declined")}, (404, 409, 422), write=True,
                               body=_object({"note": {"type": "string", "maxLength": model.MAX_NOTE}}, ("note",))),
        },
        "/api/blogs/{slug}/entries": {
            "parameters": [SLUG],
            "post": _operation("Post an entry; a contributor's waits for an editor (202), a draft is kept (201)", {
                201: _json({"oneOf": [_ref("Entry"), _ref("Filing")]}, "posted, or kept as a draft", LOCATION),
                200: _json({"oneOf": [_ref("Entry"), _ref("Filing")]}, "a retry: what it made"),
                202: _json(_ref("Filing"), "queued for an editor")},
                               (404, 409, 422, 429), write=True, body=ENTRY_BODY, params=(IDEMPOTENCY,)),
        },
        "/api/blogs/{slug}/entries/{entry_id}": {
            "parameters": [SLUG, ENTRY_ID],
            "get": _operation("One entry", {200: entry}, (404,)),
        },
        "/api/blogs/{slug}/entries/{entry_id}/corrections": {
            "parameters": [SLUG, ENTRY_ID],
            "post": _operation("Correct an entry in the open (its author or an editor)", {200: entry},
                               (404, 409, 422), write=True, params=(IDEMPOTENCY, _header(
                                   "If-Match", TEXT, "the revision the correction is based on")),
                               body=_object({"body": {"type": "string", "maxLength": model.MAX_BODY},
                                             "note": {"type": "string", "maxLength": model.MAX_NOTE}},
                                            ("body", "note"))),
        },
        "/api/blogs/{slug}/entries/{entry_id}/retraction": {
            "parameters": [SLUG, ENTRY_ID],
            "post": _operation("Withdraw an entry, leaving a tombstone (its author or an editor)",
                               {200: _json(_ref("Entry"), "the tombstone")}, (404, 409, 422), write=True,
                               params=(IDEMPOTENCY,),
                               body=_object({"note": {"type": "string", "maxLength": model.MAX_NOTE}}, ("note",))),
        },
        "/api/blogs/{slug}/events": {
            "parameters": [SLUG],
            "get": _operation("The event log as JSON pages (the SSE stream is /blogs/{slug}/events)",
                              {200: _json(_ref("Events"), "a page of events")}, (404, 422), params=(
                                  _query("since", {"type": "integer", "minimum": 0}, "events after this id"),
                                  _query("limit", {"type": "integer", "minimum": 1, "maximum": 500}, "page size"))),
        },
        "/api/blogs/{slug}/log": {
            "parameters": [SLUG],
            "get": _operation("The signed log without rendered html, in pages of 50 (each tagged by its bytes: a "
                              "client holding a page gets 304)", {200: _json(_ref("Log"), "a page of the log")},
                              (404, 422), params=(
                                  _query("since", {"type": "integer", "minimum": 0},
                                         "records after this sequence number (0, 50, 100… are the pages every "
                                         "reader asks for)"),)),
        },
        **_people_paths(),
        "/api/media": {
            "post": _operation("Upload a photo: decoded, shrunk to 1600 px, stored without metadata",
                               {201: _json(_ref("Photo"), "stored", LOCATION)}, (422,), write=True,
                               media="multipart/form-data", body={
                                   "type": "object", "required": ["file"],
                                   "properties": {"file": {"type": "string", "contentMediaType": "image/*"},
                                                  "caption": {"type": "string", "maxLength": model.MAX_HEADLINE}}}),
        },
    }


def _people_paths() -> dict[str, Any]:
    """People, for editors only: a person's suspension is a resource they have (POST) or not (DELETE)."""
    person = _json(_ref("Person"), "the person")
    link = _json(_ref("SigninLink"), "a new one-time sign-in link; the person's earlier ones stop working")
    return {
        "/api/people": {
            "get": _operation("Everyone who can sign in (editors)", {200: _json(
                {"type": "object", "required": ["people"], "properties": {
                    "people": {"type": "array", "items": _ref("Person")}}}, "the people")}, (), write=True),
            "post": _operation("Add a person, with a one-time sign-in link (editors)", {201: _json(
                {"allOf": [_ref("Person"), _ref("SigninLink")]}, "added", LOCATION)}, (409, 422), write=True,
                body=_object({"name": {"type": "string", "minLength": 1, "maxLength": 64},
                              "role": {"enum": list(model.ROLES)},
                              "display_name": {"type": "string", "maxLength": model.MAX_DISPLAY_NAME,
                                               "description": f"the byline; blank is {model.DESK_BYLINE!r}"}},
                             ("name", "role"))),
        },
        "/api/people/{name}": {
            "parameters": [NAME],
            "get": _operation("One person (editors)", {200: person}, (404,), write=True),
            "patch": _operation("A new byline for the person's next entries (editors)", {200: person}, (404, 422),
                                write=True, body=_object({"display_name": {
                                    "type": "string", "maxLength": model.MAX_DISPLAY_NAME}}, ("display_name",))),
        },
        "/api/people/{name}/signin-link": {
            "parameters": [NAME],
            "post": _operation("A new sign-in link for someone who lost theirs (editors)", {200: link}, (404, 409),
                               write=True),
        },
        "/api/people/{name}/suspension": {
            "parameters": [NAME],
            "post": _operation("Suspend: their sessions, links and API tokens stop working at once (editors)",
                               {200: person}, (404, 409), write=True),
            "delete": _operation("Restore a suspended person; they sign in again with a new link (editors)",
                                 {200: person}, (404,), write=True),
        },
        "/api/people/{name}/blogs": {
            "parameters": [NAME],
            "put": _operation("Limit a person to these blogs; an empty list is every blog (editors)", {200: person},
                              (404, 422), write=True, body=_object({"blogs": {
                                  "type": "array", "maxItems": 100,
                                  "items": {"type": "string", "pattern": model.SLUG_RE.pattern}}}, ("blogs",))),
        },
    }


def description() -> dict[str, Any]:
    """The whole OpenAPI 3.1 document."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Liveblog", "version": __version__,
                 "description": "Live updates: blogs, entries, open corrections, withdrawals, photos. Reads are "
                                "public; writes need a Bearer API token (or the desk's session with its "
                                "X-CSRF-Token header). Every error is `{\"error\": \"...\", \"detail\": ...}`."},
        "paths": _paths(),
        "components": {
            "schemas": SCHEMAS,
            "responses": {str(status): _json(_ref("Error"), why) for status, why in ERRORS.items()},
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "`liveblog token create NAME`"},
                "session": {"type": "apiKey", "in": "cookie", "name": auth.SESSION_COOKIE,
                            "description": "the desk's session; unsafe methods also need X-CSRF-Token"},
            },
        },
    }
