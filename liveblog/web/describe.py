"""``/api/openapi.json``: the API's description (``liveblog.openapi``), encoded once."""

from __future__ import annotations

import json
from functools import lru_cache

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .. import openapi


@lru_cache(maxsize=1)
def encoded() -> bytes:
    return json.dumps(openapi.description(), ensure_ascii=False, separators=(",", ":")).encode()


async def openapi_json(request: Request) -> Response:
    return Response(encoded(), media_type="application/json",
                    headers={"Cache-Control": "public, max-age=3600", "Access-Control-Allow-Origin": "*"})


routes = [Route("/api/openapi.json", openapi_json, methods=["GET"])]
