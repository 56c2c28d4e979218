"""People, for editors: the JSON API (``/api/people``) and the desk's page (``/desk/people``).

A new person, or one who lost their link, gets a one-time sign-in link shown once: as a link to copy and as a
QR code drawn here (an SVG in a ``data:`` URL, no script), so it passes from phone to phone in a room.
"""

from __future__ import annotations

from typing import Any

import segno
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .. import auth, model
from ..i18n import Message
from ..model import Person, User, ValidationError
from ..runtime import runtime_of
from ..services import people
from ..store import Conflict, NotFound
from .api import read_json, require_user
from .caching import site_url
from .desk import LABELS, checked_form, desk_view, page, refused, see_other, signed_in

# the labels of the people page's fields: a refused form names those (``desk.refused``)
PEOPLE_LABELS = {**LABELS, "name": Message("Login name"), "display_name": Message("Byline"), "role": Message("Role"),
                 "blogs": Message("Blogs they may post to")}
# A role the select does not offer (a stale or hand-made form): the API lists the roles' English names, which
# a sentence in another language cannot carry; the select beside it names them, translated.
NOT_A_ROLE = ValidationError("role", "is not one of the roles in the list: choose one of them")
GONE = {"person": Message("this person is not on the list (any more): reload the page"),
        "blog": Message("a blog ticked here no longer exists: reload the page")}


def qr_data_uri(url: str) -> str:
    """The link as a QR code, an SVG image in a ``data:`` URL (the CSP allows ``img-src data:``)."""
    return str(segno.make(url, error="m").svg_data_uri(scale=6, border=4))


def person_url(person: Person) -> str:
    return f"/api/people/{person.user.name}"


# the JSON API

async def editor(request: Request) -> User:
    user = await require_user(request)
    people.require_manager(user)
    return user


async def api_list(request: Request) -> Response:
    found = await people.everyone(runtime_of(request).store, await editor(request))
    return JSONResponse({"people": [p.to_json() for p in found]})


async def api_add(request: Request) -> Response:
    user = await editor(request)
    new = people.person_input(await read_json(request, people.NEW_PERSON_FIELDS))
    store = runtime_of(request).store
    added, token = await people.add(store, user, new)
    person = await people.find(store, added.name)
    body = {**person.to_json(), "signin_url": auth.signin_url(site_url(request), token)}
    return JSONResponse(body, status_code=201, headers={"Location": person_url(person)})


async def api_get(request: Request) -> Response:
    await editor(request)
    return JSONResponse((await people.find(runtime_of(request).store, request.path_params["name"])).to_json())


async def api_change(request: Request) -> Response:
    user = await editor(request)
    data = await read_json(request, people.CHANGE_FIELDS)
    display_name = model.check_display_name(data.get("display_name"))
    person = await people.rename(runtime_of(request).store, user, request.path_params["name"], display_name)
    return JSONResponse(person.to_json())


async def api_link(request: Request) -> Response:
    token = await people.new_link(runtime_of(request).store, await editor(request), request.path_params["name"])
    return JSONResponse({"signin_url": auth.signin_url(site_url(request), token)})


async def api_suspension(request: Request) -> Response:
    """POST suspends, DELETE restores: the suspension is a thing the person has or not."""
    user, store, name = await editor(request), runtime_of(request).store, request.path_params["name"]
    change = people.suspend if request.method == "POST" else people.restore
    return JSONResponse((await change(store, user, name)).to_json())


async def api_blogs(request: Request) -> Response:
    user = await editor(request)
    slugs = people.blogs_input(await read_json(request, people.ASSIGNMENT_FIELDS))
    person = await people.assign(runtime_of(request).store, user, request.path_params["name"], slugs)
    return JSONResponse(person.to_json())


# the desk's page

async def people_page(request: Request, status: int = 200, *, error: str | Message = "", invalid: str = "",
                      typed: dict[str, str] | None = None, link: dict[str, str] | None = None) -> Response:
    """Everyone, with what an editor does to each; ``link`` is a sign-in link just made, shown once."""
    user, csrf = await signed_in(request)
    store = runtime_of(request).store
    found = await people.everyone(store, user)
    return page(request, "desk/people.html", status, user=user, csrf=csrf, people=[shown(p) for p in found],
                blogs=await store.list_blogs(), roles=model.ROLES, desk_byline=model.DESK_BYLINE, error=error,
                invalid=invalid, typed=typed or {"role": "correspondent"}, link=link,
                notice=request.query_params.get("done", ""))


def shown(person: Person) -> dict[str, Any]:
    """A person as the list shows them: the time of their last sign-in, and its day (in the page's language,
    by the template's ``local_date``) only when that was not today."""
    last = person.last_signin_at
    other_day = last is not None and model.date_gmt(last) != model.date_gmt(model.utc_now())
    return {**person.to_json(), "last_signin": model.time_gmt(last) if last else "", "other_day": other_day}


async def not_found(request: Request, exc: NotFound) -> Response:
    """The people page again (404) saying what a form named that is not there: a person or a blog."""
    return await people_page(request, 404, error=GONE["person" if exc.what == "person" else "blog"])


def link_shown(request: Request, person: str, token: str) -> dict[str, str]:
    url = auth.signin_url(site_url(request), token)
    return {"name": person, "url": url, "qr": qr_data_uri(url)}


async def desk_people(request: Request) -> Response:
    return await people_page(request)


async def desk_add(request: Request) -> Response:
    user, _, form = await checked_form(request)
    typed = {k: str(form.get(k, "")) for k in people.NEW_PERSON_FIELDS}
    store = runtime_of(request).store
    try:
        added, token = await people.add(store, user, people.person_input(typed))
    except ValidationError as exc:
        error, field = refused(NOT_A_ROLE if exc.field == "role" else exc, PEOPLE_LABELS)
        return await people_page(request, 422, error=error, invalid=field, typed=typed)
    except Conflict:  # the same name added a moment ago from another desk: services.people.add's refusal
        taken = ValidationError("name", "reads like the name of an existing account: choose another")
        error, field = refused(taken, PEOPLE_LABELS)
        return await people_page(request, 409, error=error, invalid=field, typed=typed)
    return await people_page(request, link=link_shown(request, added.name, token))


async def desk_link(request: Request) -> Response:
    user, _, _ = await checked_form(request)
    name = request.path_params["name"]
    try:
        token = await people.new_link(runtime_of(request).store, user, name)
    except Conflict as exc:
        return await people_page(request, 409, error=Message.of(exc))
    except NotFound as exc:
        return await not_found(request, exc)
    return await people_page(request, link=link_shown(request, name, token))


async def desk_suspension(request: Request) -> Response:
    user, _, form = await checked_form(request)
    restoring = form.get("restore") is not None
    try:
        await (people.restore if restoring else people.suspend)(runtime_of(request).store, user,
                                                                request.path_params["name"])
    except Conflict as exc:
        return await people_page(request, 409, error=Message.of(exc))
    except NotFound as exc:
        return await not_found(request, exc)
    return see_other("/desk/people?done=" + ("restored" if restoring else "suspended"))


async def desk_revoke(request: Request) -> Response:
    """Signs the person out everywhere (from the desk's list or this page); back to the desk, which says so."""
    user, _, _ = await checked_form(request)
    try:
        await people.sign_out_everywhere(runtime_of(request).store, user, request.path_params["name"])
    except NotFound as exc:
        return await not_found(request, exc)
    return see_other("/desk?done=revoked")


async def desk_rename(request: Request) -> Response:
    user, _, form = await checked_form(request)
    name, typed = request.path_params["name"], str(form.get("display_name", ""))
    try:
        await people.rename(runtime_of(request).store, user, name, model.check_display_name(typed))
    except ValidationError as exc:  # shown at that person's byline field, with what was typed
        return await people_page(request, 422, error=refused(exc, PEOPLE_LABELS)[0], invalid=f"byline-{name}",
                                 typed={"role": "correspondent", f"byline-{name}": typed})
    except NotFound as exc:
        return await not_found(request, exc)
    return see_other("/desk/people?done=renamed")


async def desk_blogs(request: Request) -> Response:
    user, _, form = await checked_form(request)
    name = request.path_params["name"]
    try:
        slugs = people.blogs_input({"blogs": [str(s) for s in form.getlist("blogs")]})
        await people.assign(runtime_of(request).store, user, name, slugs)
    except ValidationError as exc:  # shown at that person's blogs
        return await people_page(request, 422, error=refused(exc, PEOPLE_LABELS)[0], invalid=f"blogs-{name}")
    except NotFound as exc:
        return await not_found(request, exc)
    return see_other("/desk/people?done=assigned")


routes = [
    Route("/api/people", api_list, methods=["GET"]),
    Route("/api/people", api_add, methods=["POST"]),
    Route("/api/people/{name}", api_get, methods=["GET"]),
    Route("/api/people/{name}", api_change, methods=["PATCH"]),
    Route("/api/people/{name}/signin-link", api_link, methods=["POST"]),
    Route("/api/people/{name}/suspension", api_suspension, methods=["POST", "DELETE"]),
    Route("/api/people/{name}/blogs", api_blogs, methods=["PUT"]),
    Route("/desk/people", desk_view(desk_people), methods=["GET", "HEAD"]),
    Route("/desk/people", desk_view(desk_add), methods=["POST"]),
    Route("/desk/people/{name}/link", desk_view(desk_link), methods=["POST"]),
    Route("/desk/people/{name}/suspension", desk_view(desk_suspension), methods=["POST"]),
    Route("/desk/people/{name}/blogs", desk_view(desk_blogs), methods=["POST"]),
    Route("/desk/people/{name}/byline", desk_view(desk_rename), methods=["POST"]),
    Route("/desk/people/{name}/revoke", desk_view(desk_revoke), methods=["POST"]),
]
