"""Who chooses the language: a blog's is set when it is created (API or desk) and changed by its editors, and is
refused when the site has no catalog for it; a person's desk language is their own choice, stored with their
account and independent of the blogs', else their browser's Accept-Language."""

from __future__ import annotations

import httpx

from desk import PASSWORD, csrf_of


def test_a_blogs_language_is_set_checked_and_changed(site):
    created = site.blog("strike", language="ru")
    assert created["language"] == "ru"
    assert '<html lang="ru"' in site.client.get("/blogs/strike").text
    r = site.client.post("/api/blogs", json={"slug": "other", "title": "Other", "language": "xx"},
                         headers=site.headers("editor"))
    assert r.status_code == 422
    assert r.json() == {"error": "language: must be one of en, ar, kk, ru",
                        "detail": {"field": "language", "message": "must be one of en, ar, kk, ru"}}
    r = site.client.patch("/api/blogs/strike", json={"language": "ar"}, headers=site.headers("editor"))
    assert r.status_code == 200 and r.json()["language"] == "ar"
    page = site.client.get("/blogs/strike").text
    assert '<html lang="ar" dir="rtl"' in page and "لا توجد تحديثات بعد." in page
    assert site.client.get("/blogs/strike/feed.json").json()["language"] == "ar"


def test_the_desk_creates_a_blog_in_the_language_chosen(site):
    site.user("eda", "editor", password=PASSWORD)
    client = httpx.Client(base_url=site.url, timeout=10, headers={"Accept-Language": "kk"})
    form = client.get("/login")
    client.post("/login", data={"csrf": csrf_of(form.text), "name": "eda", "password": PASSWORD})
    desk = client.get("/desk").text
    assert '<option value="kk" lang="kk" selected>қазақ тілі</option>' in desk, "the person's language first"
    r = client.post("/desk/blogs", data={"csrf": csrf_of(desk), "slug": "saylau", "title": "Сайлау", "language": "ru"})
    assert r.status_code == 303
    assert site.client.get("/api/blogs/saylau").json()["language"] == "ru"
    r = client.post("/desk/saylau/settings", data={"csrf": csrf_of(desk), "title": "Сайлау", "language": "kk"})
    assert r.status_code == 303 and '<html lang="kk"' in site.client.get("/blogs/saylau").text
    r = client.post("/desk/saylau/settings", data={"csrf": csrf_of(desk), "title": "Сайлау", "language": "xx"})
    assert r.status_code == 422 and 'id="blog-language" name="language" aria-invalid="true"' in r.text
    client.close()


def test_a_person_picks_the_desk_language_whatever_the_browser_and_the_blog_say(site):
    site.blog("strike", language="ar")
    site.user("amal", password=PASSWORD)
    client = httpx.Client(base_url=site.url, timeout=10, headers={"Accept-Language": "ru-RU,ru;q=0.9"})
    form = client.get("/login")
    assert "Войти" in form.text, "before signing in: the browser's language"
    client.post("/login", data={"csrf": csrf_of(form.text), "name": "amal", "password": PASSWORD})
    csrf = csrf_of(client.get("/desk").text)
    r = client.post("/desk/language", data={"csrf": csrf, "language": "kk"})
    assert r.status_code == 303
    compose = client.get("/desk/strike").text
    assert '<html lang="kk" dir="ltr"' in compose and "Жариялау" in compose, "kept, over Accept-Language and the blog"
    r = client.post("/desk/language", data={"csrf": csrf, "language": "xx"})
    assert r.status_code == 422 and 'role="alert"' in r.text and "Тіл: " in r.text
    assert client.post("/desk/language", data={"csrf": "wrong", "language": "en"}).status_code == 403
    assert client.post("/desk/language", data={"csrf": csrf, "language": ""}).status_code == 303
    assert '<html lang="ru"' in client.get("/desk").text, "back to the browser's choice"
    client.close()
