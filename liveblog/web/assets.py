"""Static files with caching fit for slow links.

Pages link assets as ``/static/site.css?v=<content hash>`` (see ``render.asset_url``):
such a URL never changes meaning, so browsers may keep it for a year without asking.
Unversioned URLs are revalidated each time with the ETag StaticFiles already sends.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from .. import i18n
from .errors import ApiError

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


class Assets(StaticFiles):
    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code in (200, 304):
            versioned = b"v=" in scope.get("query_string", b"")
            response.headers["Cache-Control"] = IMMUTABLE if versioned else REVALIDATE
        return response


async def catalog(request: Request) -> Response:
    """A language's strings for the scripts (``i18n.catalog_json``), cached like any versioned asset."""
    lang = request.path_params["lang"]
    if lang not in i18n.languages():
        raise ApiError(404, "not found", None)
    versioned = "v" in request.query_params
    return Response(i18n.catalog_json(lang), media_type="application/json",
                    headers={"Cache-Control": IMMUTABLE if versioned else REVALIDATE})


routes = [Route("/static/i18n/{lang}.json", catalog, methods=["GET", "HEAD"])]
