"""Chinese by default whatever the browser says, English on request, and a complete catalogue."""

from pathlib import Path

import polib
from django.conf import settings

LC = Path(settings.BASE_DIR, "locale", "zh_Hans", "LC_MESSAGES")


def test_site_speaks_chinese_to_an_english_browser(db, client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    page = response.content.decode()
    assert "城镇老旧小区改造管理平台" in page
    assert '<html lang="zh-hans">' in page


def test_language_switch_turns_the_site_english_and_back(db, client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert "Old Compound Renovation Portal" in client.get("/accounts/login/").content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "城镇老旧小区改造管理平台" in client.get("/accounts/login/").content.decode()


def test_time_zone_is_shanghai():
    assert settings.TIME_ZONE == "Asia/Shanghai" and settings.USE_TZ


def test_catalogue_has_no_untranslated_or_fuzzy_entry():
    catalogue = polib.pofile(str(LC / "django.po"))
    assert not [e.msgid for e in catalogue.untranslated_entries()]
    assert not [e.msgid for e in catalogue.fuzzy_entries()]


def test_compiled_catalogue_matches_the_source():
    source = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0) for e in polib.pofile(str(LC / "django.po"))
    }
    compiled = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0) for e in polib.mofile(str(LC / "django.mo"))
    }
    assert source == compiled, "run `make messages` (compilemessages) and commit django.mo"


def test_admin_speaks_chinese(world, client_for):
    page = client_for("sysadmin").get("/admin/").content.decode()
    assert "站点管理" in page or "管理" in page
    assert "行政区划" in page


def test_list_filters_left_empty_read_all(world, client_for):
    client = client_for("city")
    for url in ("/projects/compounds/", "/projects/", "/projects/items/", "/org/regions/", "/org/organisations/",
                "/audit/"):  # fmt: skip
        html = client.get(url).content.decode()
        assert "---------" not in html, url
        if "<select" in html:
            assert ">全部</option>" in html, url


def test_pages_write_dates_as_2026_11_29_in_both_languages():
    import datetime

    from django.utils import formats, translation

    moment = datetime.datetime(2026, 11, 29, 7, 27)
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert formats.date_format(moment.date()) == "2026-11-29"
            assert formats.date_format(moment, "DATETIME_FORMAT") == "2026-11-29 07:27"
    from django import forms

    with translation.override("zh-hans"):
        for typed in ("2026-11-29", "2026/11/29", "2026.11.29", "2026年11月29日", "2026年11月9日"):
            assert forms.DateField().clean(typed).year == 2026, typed
