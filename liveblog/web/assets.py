"""Static files with caching fit for slow links.

Pages link assets as ``/static/site.css?v=<content hash>`` (see ``render.asset_url``):
such a URL never changes meaning, so browsers may keep it for a year without asking.
Unversioned URLs are revalidated each time with the ETag StaticFiles already sends.
"""

from __future__ import annotations

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


class Assets(StaticFiles):
    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code in (200, 304):
            versioned = b"v=" in scope.get("query_string", b"")
            response.headers["Cache-Control"] = IMMUTABLE if versioned else REVALIDATE
        return response
