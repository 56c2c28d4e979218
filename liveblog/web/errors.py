"""One error shape for the whole JSON API: ``{"error": "...", "detail": ...}``.

A browser asking for a page (not under ``/api/``) gets the same status as an HTML page. A refusal asked for in
another language (``Accept-Language``: the desk's scripts send the person's) also carries ``said``, its message
in that language; ``error`` stays English for integrators.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from .. import i18n
from ..i18n import Message
from ..limits import retry_after
from ..model import Refusal, ValidationError
from ..render import render
from ..services import Forbidden, TooManyPosts
from ..store import Conflict, NotFound

REASONS = {
    400: "bad request",
    401: "authentication required",
    403: "not allowed",
    404: "not found",
    405: "method not allowed",
    409: "conflict",
    413: "request too large",
    415: "unsupported media type",
    422: "validation failed",
    429: "too many requests",
    431: "request headers too large",
}


class ApiError(Exception):
    def __init__(self, status: int, error: str, detail: Any = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(error)
        self.status = status
        self.error = error
        self.detail = detail
        self.headers = headers


def error_response(status: int, error: str, detail: Any = None,
                   headers: Mapping[str, str] | None = None, said: str | None = None) -> JSONResponse:
    body = {"error": error, "detail": detail} if said is None else {"error": error, "detail": detail, "said": said}
    return JSONResponse(body, status_code=status, headers=headers)


def refusal_response(request: Request, status: int, refusal: Refusal, error: str, detail: Any = None) -> JSONResponse:
    """A refusal's answer, with ``said`` when the request asks in another language: the answer depends on
    ``Accept-Language`` whichever language that is, and says so (``Vary``) to every cache on the way."""
    return error_response(status, error, detail, {"Vary": "Accept-Language"}, said_in(request, refusal))


def said_in(request: Request, refusal: Refusal) -> str | None:
    """The refusal in the language the request asks for, its values filled in, or None when that is English
    (``refusal.message`` itself)."""
    lang = i18n.negotiate(request.headers.get("accept-language", ""))
    return None if lang == i18n.SOURCE else Message.of(refusal).translated(i18n.translations(lang))


PAGE_MESSAGES = {
    404: (Message("Page not found"),
          Message("There is no page at this address. The blog or update may have moved or never existed.")),
    500: (Message("Something went wrong"),
          Message("The server could not show this page. Please try again in a moment.")),
}


def wants_html(request: Request) -> bool:
    """A browser navigating to a page, not a script calling the API or a stream."""
    path = request.url.path
    if path.startswith("/api/") or path == "/healthz":
        return False
    return "text/html" in request.headers.get("accept", "")


def html_error(request: Request, status: int, headers: Mapping[str, str] | None = None) -> HTMLResponse:
    """In the language the browser asks for: an address that leads nowhere has no blog to take it from."""
    lang = i18n.negotiate(request.headers.get("accept-language", ""))
    title, message = PAGE_MESSAGES.get(status, (Message(REASONS.get(status, "Error").capitalize()), Message("")))
    tr = i18n.translations(lang)
    html = render("error.html", title=title.translated(tr), message=message.translated(tr) if message.text else "",
                  lang=lang)
    return HTMLResponse(html, status_code=status, headers={**(headers or {}), "Vary": "Accept-Language"})


async def api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.error, exc.detail, exc.headers)


async def validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ValidationError)
    return refusal_response(request, 422, exc, f"{exc.field}: {exc.message}",
                            {"field": exc.field, "message": exc.message})


async def not_found(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, NotFound)
    if wants_html(request):
        return html_error(request, 404)
    return error_response(404, f"{exc.what} not found", None)


async def conflict(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Conflict)
    current = exc.current.to_json() if hasattr(exc.current, "to_json") else exc.current
    return refusal_response(request, 409, exc, exc.message, {"current": current} if current is not None else None)


async def forbidden(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Forbidden)
    return refusal_response(request, 403, exc, exc.message)


async def too_many_posts(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, TooManyPosts)
    return error_response(429, exc.message, {"limit_per_minute": exc.limit_per_minute},
                          headers={"Retry-After": retry_after(exc.wait)})


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code in (204, 304):
        return Response(status_code=exc.status_code, headers=exc.headers)
    if wants_html(request):
        return html_error(request, exc.status_code, exc.headers)
    error = REASONS.get(exc.status_code, exc.detail or "error")
    return error_response(exc.status_code, error, None, exc.headers)


async def server_error(request: Request, exc: Exception) -> Response:
    """Never a traceback to the user; the log has it."""
    if wants_html(request):
        return html_error(request, 500)
    return error_response(500, "internal error", None)


HANDLERS = {
    ApiError: api_error,
    ValidationError: validation_error,
    NotFound: not_found,
    Conflict: conflict,
    Forbidden: forbidden,
    TooManyPosts: too_many_posts,
    HTTPException: http_error,
    Exception: server_error,
}
