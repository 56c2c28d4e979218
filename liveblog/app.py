"""The ASGI application: routes, middleware and the lifespan that opens the runtime."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount
from starlette.types import Receive, Scope, Send

from . import heap, model
from .config import Settings
from .render import STATIC
from .runtime import Runtime
from .text import problem
from .web import api, assets, describe, desk, embed, feeds, pages, people, stream
from .web.assets import Assets
from .web.errors import HANDLERS
from .web.middleware import BodyLimit, SecurityHeaders, host_rule, refuse_host
from .web.middleware import refuse_body as json_refusal


class Liveblog(Starlette):
    """Starlette, except that readers' streams are served before the middleware stack (``stream.serve``
    says why): each reader is held for hours and every layer would cost it memory and every event a hop."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and problem(scope["path"]):
            # No slug, id or name holds a control character, and PostgreSQL cannot even be asked about a NUL.
            await SecurityHeaders(JSONResponse({"error": "not found", "detail": None}, 404))(scope, receive, send)
            return
        if scope["type"] == "http" and scope["path"] != "/healthz" and not self.hosts_allow(scope):
            await refuse_host(scope, send)
            return
        slug = stream.stream_slug(scope) if scope["type"] == "http" else None
        if slug is None:
            await super().__call__(scope, receive, send)
            return
        scope["app"] = self
        await stream.serve(scope, receive, send, slug)

    def hosts_allow(self, scope: Scope) -> bool:
        """The Host header check, before the stream and every route; ``/healthz`` skips it (a platform's probe
        names whatever address it reaches, and the answer builds no link)."""
        return host_rule(self.state.runtime.settings).allows(scope)


def create_app(settings: Settings) -> Liveblog:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.runtime = await Runtime.start(settings)
        heap.settle()  # modules, templates and routes live as long as the process
        try:
            yield
        finally:
            await app.state.runtime.stop()

    def request_limits(scope: Scope) -> tuple[int, int]:
        """From the running runtime's settings (tests give each runtime its own); what people write (the desk's
        forms, the API's blogs and entries) always fits, however long its characters are when sent."""
        current = scope["app"].state.runtime.settings
        path = scope["path"]
        if path == "/api/media":
            return current.max_header_bytes, current.max_upload_bytes
        writing = path.startswith(("/desk/", "/api/blogs"))
        return current.max_header_bytes, max(current.max_body_bytes, model.LARGEST_FORM_BYTES if writing else 0)

    async def refuse_body(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        """A desk form past even the largest legal form: a page in the person's language, not the API's JSON."""
        if scope["path"].startswith("/desk/"):
            await (await desk.too_long(Request(scope, receive)))(scope, receive, send)
        else:
            await json_refusal(scope, receive, send, limit)

    app = Liveblog(
        routes=[
            # Routes are tried in order, about 1 µs each: what a crowd of readers asks for comes first (the
            # reader page, last of 62, spent 47 µs of a 125 µs cached answer finding its route), after the
            # health probe. No two of these lists match the same path, so their order changes nothing else.
            *api.probe,
            *pages.routes,
            *feeds.routes,
            *embed.routes,
            *api.routes,
            *describe.routes,
            *stream.routes,
            *people.routes,  # before the desk's: /desk/people is not a blog's desk
            *desk.routes,
            *assets.routes,
            Mount("/static", Assets(directory=STATIC), name="static"),
        ],
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(BodyLimit, limits=request_limits, refuse=refuse_body),
            Middleware(GZipMiddleware, minimum_size=500),
        ],
        exception_handlers=HANDLERS,
        lifespan=lifespan,
    )
    app.state.settings = settings
    return app
