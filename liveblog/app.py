"""The ASGI application: routes, middleware and the lifespan that opens the runtime."""

from __future__ import annotations

import gc
from contextlib import asynccontextmanager
from typing import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import Scope

from .config import Settings
from .runtime import Runtime
from starlette.routing import Mount

from .render import STATIC
from .web import api, desk, feeds, pages, stream
from .web.assets import Assets
from .web.errors import HANDLERS
from .web.middleware import BodyLimit, SecurityHeaders


def create_app(settings: Settings) -> Starlette:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.runtime = await Runtime.start(settings)
        # Everything alive now (modules, templates, routes) lives as long as the process: keep it out
        # of the collector's full passes, which otherwise walk it again and again under load.
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            await app.state.runtime.stop()

    def request_limits(scope: Scope) -> tuple[int, int]:
        """From the running runtime's settings (tests give each runtime its own)."""
        current = scope["app"].state.runtime.settings
        body = current.max_upload_bytes if scope["path"] == "/api/media" else current.max_body_bytes
        return current.max_header_bytes, body

    app = Starlette(
        routes=[
            *api.routes,
            *stream.routes,
            *feeds.routes,
            *desk.routes,
            *pages.routes,
            Mount("/static", Assets(directory=STATIC), name="static"),
        ],
        middleware=[
            Middleware(stream.StreamLane, header_limit=lambda scope: request_limits(scope)[0]),
            Middleware(SecurityHeaders),
            Middleware(BodyLimit, limits=request_limits),
            Middleware(GZipMiddleware, minimum_size=500),
        ],
        exception_handlers=HANDLERS,  # type: ignore[arg-type]
        lifespan=lifespan,
    )
    app.state.settings = settings
    return app
