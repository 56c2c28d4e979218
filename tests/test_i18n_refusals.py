"""Refusals with values in them, in the person's language: a Russian desk (or people page) shows the Russian sentence
with the numbers, names and choices filled in, at the field that was refused, with what was typed kept; the JSON API
answers the same input with its English text, unchanged, for integrators."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator

import httpx
import pytest

from desk import signed_in
from test_photo_memory_is_bounded import png

LONG_HEADLINE = "Заголовок " * 31  # 310 characters: past model.MAX_HEADLINE (300)


@pytest.fixture
def russian(site) -> Iterator[Callable[..., tuple[httpx.Client, str]]]:
    """Signs a person in on a desk whose browser asks for Russian; the desk and its CSRF token."""
    clients: list[httpx.Client] = []

    def sign_in(name: str, role: str = "editor") -> tuple[httpx.Client, str]:
        client, csrf = signed_in(site, name, role)
        client.headers["Accept-Language"] = "ru"
        clients.append(client)
        return client, csrf

    yield sign_in
    for client in clients:
        client.close()


def refusal_at(page: httpx.Response, field: str) -> str:
    """The message shown at the field (the input, textarea or select marked invalid, and the alert it points to)."""
    marked = re.search(rf'id="{field}"[^>]*aria-invalid="true" aria-describedby="([^"]+)"', page.text)
    assert marked, f"{field} is not marked invalid:\n{page.text}"
    said = re.search(rf'<p class="error[^"]*" role="alert" id="{marked.group(1)}">(.*?)</p>', page.text, re.S)
    assert said, page.text
    return html.unescape(said.group(1))


def refusal_above(page: httpx.Response) -> str:
    said = re.search(r'<p class="error[^"]*" role="alert" id="error">(.*?)</p>', page.text, re.S)
    assert said, page.text
    return html.unescape(said.group(1))


def api(site, method: str, path: str, payload: dict, **headers: str) -> dict:
    r = site.client.request(method, path, json=payload, headers=site.headers("editor", **headers))
    assert r.status_code >= 400, r.text
    return {"status": r.status_code, **r.json()}


def test_a_field_past_its_length_names_the_limit_in_russian(site, russian):
    site.blog("strike")
    desk, csrf = russian("eda")
    r = desk.post("/desk/strike/entries", data={"csrf": csrf, "headline": LONG_HEADLINE, "body": "Депо закрыты"})
    assert r.status_code == 422
    assert "должно быть не длиннее 300 символов" in refusal_at(r, "headline")
    assert f'value="{LONG_HEADLINE}"' in r.text and "Депо закрыты</textarea>" in r.text
    answer = api(site, "POST", "/api/blogs/strike/entries", {"headline": LONG_HEADLINE, "body": "Депо закрыты"})
    assert answer == {"status": 422, "error": "headline: must be at most 300 characters",
                      "detail": {"field": "headline", "message": "must be at most 300 characters"}}


def test_a_later_entry_named_as_superseded_is_named_by_its_number_in_russian(site, russian):
    site.blog("strike")
    desk, csrf = russian("eda")
    r = desk.post("/desk/strike/entries", data={"csrf": csrf, "body": "Депо закрыты", "supersedes": "999999"})
    assert r.status_code == 422
    at_supersedes = re.search(r'</details>\s*<p class="error field-error" role="alert" id="error">(.*?)</p>', r.text)
    assert at_supersedes and "запись 999999 сделана позже этой" in at_supersedes.group(1)
    assert "Депо закрыты</textarea>" in r.text
    answer = api(site, "POST", "/api/blogs/strike/entries", {"body": "Депо закрыты", "supersedes": [999999]})
    assert answer["error"] == "supersedes: entry 999999 is later than this one"


def test_an_original_that_is_not_there_names_its_blog_and_number_in_russian(site, russian):
    site.blog("strike")
    site.blog("world", language="en")
    desk, csrf = russian("eda")
    address = f"{site.url}/blogs/world/entries/777"
    r = desk.post("/desk/strike/entries", data={"csrf": csrf, "body": "Депо закрыты", "translation_of": address})
    assert r.status_code == 422
    assert "в блоге world нет записи 777" in refusal_at(r, "translation_of")
    assert f'value="{address}"' in r.text and "Депо закрыты</textarea>" in r.text
    answer = api(site, "POST", "/api/blogs/strike/entries",
                 {"body": "Депо закрыты", "translation_of": {"blog": "world", "id": 777}})
    assert answer["error"] == "translation_of: blog world has no entry 777"


def test_an_unknown_language_is_named_in_russian(site, russian):
    site.blog("strike")
    desk, csrf = russian("eda")
    r = desk.post("/desk/strike/entries", data={"csrf": csrf, "body": "Депо закрыты", "lang": "qq"})
    assert r.status_code == 422
    assert "qq — не язык, который этот сайт умеет назвать" in refusal_at(r, "lang")
    assert "Депо закрыты</textarea>" in r.text
    answer = api(site, "POST", "/api/blogs/strike/entries", {"body": "Депо закрыты", "lang": "qq"})
    assert answer["error"] == "lang: qq is not a language this site can name"


def test_a_blog_language_out_of_the_choices_lists_them_in_russian(site, russian):
    site.blog("strike")
    desk, csrf = russian("eda")
    r = desk.post("/desk/strike/settings", data={"csrf": csrf, "title": "Забастовка", "language": "xx"})
    assert r.status_code == 422
    assert "должно быть одним из значений: en, ar, kk, ru" in refusal_at(r, "blog-language")
    assert 'value="Забастовка"' in r.text and '<option value="xx" selected>' in r.text
    answer = api(site, "PATCH", "/api/blogs/strike", {"language": "xx"})
    assert answer["error"] == "language: must be one of en, ar, kk, ru"


def test_a_stale_correction_is_explained_on_the_desk_and_names_both_revisions_in_the_api(site, russian):
    """The desk says what happened in the person's words and keeps their text; the API (asked in Russian) names
    both revisions in ``said``, its ``error`` English."""
    site.blog("strike")
    entry = site.entry("strike", "Депо закрыты")
    desk, csrf = russian("eda")
    form = f"/desk/strike/entries/{entry['id']}/correct"
    assert 'name="revision" value="1"' in desk.get(form).text  # the form as the correspondent opened it
    r = site.client.post(f"/api/blogs/strike/entries/{entry['id']}/corrections",
                         json={"body": "Депо закрыты!", "note": "Уточнение"}, headers=site.headers("editor"))
    assert r.status_code == 200, r.text
    r = desk.post(form, data={"csrf": csrf, "revision": "1", "body": "Депо открыты", "note": "Ошибка"})
    assert r.status_code == 409
    assert refusal_above(r).startswith("Пока вы правили это обновление, его исправил кто-то другой.")
    assert "Депо открыты</textarea>" in r.text and 'value="Ошибка"' in r.text
    answer = api(site, "POST", f"/api/blogs/strike/entries/{entry['id']}/corrections",
                 {"body": "Депо открыты", "note": "Ошибка"}, **{"If-Match": "1", "Accept-Language": "ru"})
    assert answer["status"] == 409 and answer["error"] == "the entry is at revision 2, not 1"
    assert answer["said"] == "запись уже в редакции 2, а не 1"


def test_an_idempotency_key_used_for_another_text_is_refused_in_russian(site, russian):
    site.blog("strike")
    desk, csrf = russian("eda")
    form = {"csrf": csrf, "key": "retry-key-1", "body": "Депо закрыты"}
    assert desk.post("/desk/strike/entries", data=form).status_code == 303
    r = desk.post("/desk/strike/entries", data={**form, "body": "Депо открыты"})
    assert r.status_code == 409
    assert refusal_above(r) == "этот Idempotency-Key уже использован для другого запроса"
    assert "Депо открыты</textarea>" in r.text
    key = {"Idempotency-Key": "retry-key-2"}
    r = site.client.post("/api/blogs/strike/entries", json={"body": "A"}, headers=site.headers("editor", **key))
    assert r.status_code == 201, r.text
    answer = api(site, "POST", "/api/blogs/strike/entries", {"body": "B"}, **key)
    assert answer["status"] == 409
    assert answer["error"] == "this Idempotency-Key was already used for a different request"


def test_what_only_editors_may_do_is_said_in_russian(site, russian):
    site.blog("strike")
    r = site.client.patch("/api/blogs/strike", json={"status": "ended"}, headers=site.headers("editor"))
    assert r.status_code == 200, r.text
    desk, csrf = russian("amal", "correspondent")
    r = desk.post("/desk/strike/reopen", data={"csrf": csrf})
    assert r.status_code == 403 and "снова открывать блог могут только редакторы" in r.text
    r = desk.get("/desk/strike/end")
    assert r.status_code == 403 and "завершать блог могут только редакторы" in r.text
    r = site.client.post("/api/blogs/strike/reopen", headers=site.headers("amal"))
    assert r.status_code == 403 and r.json()["error"] == "only editors can reopen a blog"


def test_a_new_persons_name_and_role_are_refused_in_russian_on_the_people_page(site, russian):
    site.user("editor", "editor")
    desk, csrf = russian("eda")
    long_name = "n" * 65
    r = desk.post("/desk/people", data={"csrf": csrf, "name": long_name, "role": "correspondent",
                                        "display_name": "Нур"})
    assert r.status_code == 422
    assert "должно содержать от 1 до 64 символов" in refusal_at(r, "name")
    assert f'value="{long_name}"' in r.text and 'value="Нур"' in r.text
    r = desk.post("/desk/people", data={"csrf": csrf, "name": "nour", "role": "boss", "display_name": "Нур"})
    assert r.status_code == 422
    said = refusal_at(r, "role")
    assert "такой роли нет в списке: выберите одну из них" in said
    assert not re.search("editor|correspondent|contributor", said), "an English role name in a Russian sentence"
    assert 'value="nour"' in r.text
    answer = api(site, "POST", "/api/people", {"name": long_name, "role": "correspondent"})
    assert answer["error"] == "name: must be 1-64 characters"
    answer = api(site, "POST", "/api/people", {"name": "nour", "role": "boss"})
    assert answer["error"] == "role: must be one of editor, correspondent, contributor"


def test_a_form_with_a_stale_token_is_refused_in_russian(site, russian):
    site.blog("strike")
    desk, _ = russian("eda")
    r = desk.post("/desk/strike/entries", data={"csrf": "0" * 64, "body": "Депо закрыты"})
    assert r.status_code == 403 and r.headers["content-type"].startswith("text/html")
    assert "Эта форма устарела: обновите страницу и попробуйте снова." in r.text and "CSRF" not in r.text


def test_a_control_character_is_named_by_its_code_and_place_in_russian(site):
    """The desk's scripts show ``said``: the character's code point and place in the person's language, in a
    value and in a field name; ``error`` stays English."""
    site.blog("strike")
    answer = api(site, "POST", "/api/blogs/strike/entries", {"body": "Депо\u0007 закрыты"}, **{"Accept-Language": "ru"})
    rule = "control characters, lone surrogates and U+FFFE/U+FFFF are not allowed"
    assert answer["error"] == f"body: contains U+0007 at character 5: {rule}"
    assert answer["said"] == ("содержит U+0007 в символе 5: управляющие символы, одиночные суррогаты и U+FFFE/U+FFFF "
                              "недопустимы")
    answer = api(site, "POST", "/api/blogs/strike/entries", {"body": "Депо", "x\u0007": 1}, **{"Accept-Language": "ru"})
    assert answer["error"] == f"request: a field name contains U+0007 at character 2: {rule}"
    assert answer["said"].startswith("имя поля содержит U+0007 в символе 2:")


def test_a_decision_on_an_update_already_decided_or_still_a_draft_is_refused_in_russian(site):
    """Each state its own sentence: a declined update, and an editor's own draft (never waiting in the queue)."""
    site.blog("strike")
    site.user("nour", "contributor")
    r = site.post("strike", "Депо закрыты", as_="nour")
    assert r.status_code == 202, r.text
    decline = f"/api/blogs/strike/entries/{r.json()['id']}/decline"
    assert site.client.post(decline, json={"note": "Нет источника"}, headers=site.headers("editor")).status_code == 200
    answer = api(site, "POST", decline, {"note": "Ещё раз"}, **{"Accept-Language": "ru"})
    assert answer["status"] == 409 and answer["error"] == "this update is already declined"
    assert answer["said"] == "это обновление уже отклонено"
    draft = site.post("strike", "Черновик", as_="editor", draft=True)
    assert draft.status_code == 201, draft.text
    answer = api(site, "POST", f"/api/blogs/strike/entries/{draft.json()['id']}/decline", {"note": "Нет"},
                 **{"Accept-Language": "ru"})
    assert answer["status"] == 409 and answer["error"] == "only an update waiting in the queue can be declined"
    assert answer["said"] == "отклонить можно только обновление, ожидающее в очереди"


def test_a_photo_too_large_in_pixels_is_refused_in_the_person_s_language(site):
    """The desk's scripts show ``said``: the limit in the person's language; ``error`` stays English."""
    site.user("amal")
    r = site.client.post("/api/media", files={"file": ("wall.png", png(7700), "image/png")},
                         headers=site.headers("amal", **{"Accept-Language": "ru"}))
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "file: the image is too large in pixels (at most 12 million unless JPEG)"
    assert r.json()["said"] == "у изображения слишком много пикселей (не больше 12 млн, если это не JPEG)"
