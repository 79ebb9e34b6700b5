"""The fast entry grid in Chromium: a clerk types questionnaires with the keyboard alone, corrects a
refused cell, loses her connection for two rows and gets them saved once when it returns."""

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from residents.models import SurveyResponse
from tests.factories import PASSWORD, compound_in, renovation_item
from tests.residents.factories import building_in, campaign_for, household_in

CUT = "**/residents/**/entry/**"


@pytest.fixture
def survey(world):
    compound = compound_in(world.community_a, name="华光路小区")
    building = building_in(compound, "3号楼")
    for room in range(101, 113):
        household_in(compound, building=building, unit="1单元", room=str(room))
    for n in range(1, 4):
        renovation_item(name=f"改造内容{n}")
    return campaign_for(compound, title="华光路小区改造意愿调查")


def type_row(page, room, *, amount="1500"):
    """One questionnaire: household, origin and day as they come, agrees, items 1 and 2, willing,
    amount, comment; Enter goes to the next row."""
    keyboard = page.keyboard
    keyboard.type(f"3-1-{room}")
    keyboard.press("Tab")  # origin: paper, as it comes
    keyboard.press("Tab")  # answered on: today, as it comes
    keyboard.press("Tab")
    keyboard.type("1")  # 1 同意
    keyboard.press("Tab")
    keyboard.type("1 2")
    keyboard.press("Tab")
    keyboard.type("1")  # 1 是
    keyboard.press("Tab")
    keyboard.type(amount)
    keyboard.press("Tab")
    keyboard.type(f"{room}室问卷")
    keyboard.press("Enter")


def statuses(page):
    return page.locator("#entry-grid tbody .entry-status")


def test_ten_households_typed_with_the_keyboard_then_two_without_a_connection_are_saved_once(
    world, page, log_in, survey
):
    log_in("clerk_a")
    page.goto(reverse("residents:campaign_entry", args=[survey.pk]))
    expect(page.locator("#entry-grid tbody [data-field=household]").first).to_be_focused()

    for room in range(101, 111):
        type_row(page, room, amount="很多" if room == 105 else "1500")
    expect(statuses(page).filter(has_text="已保存 ✓")).to_have_count(9)
    refused = page.locator("#entry-grid tbody tr").nth(4)
    expect(refused.locator(".entry-status")).to_have_text("待更正")
    with translation.override("zh-hans"):
        message = translation.gettext("“%(value)s” is not a number.") % {"value": "很多"}
    expect(refused.locator("[data-error=contribution_amount]")).to_have_text(message)
    expect(refused.locator("[data-field=contribution_amount]")).to_have_class("form-control is-invalid")
    # The rows around it kept what was typed.
    expect(page.locator("#entry-grid tbody tr").nth(5).locator("[data-field=household]")).to_have_value(
        "3-1-106"
    )

    # Back up to the refused row with Shift+Enter, across to its amount with Tab, and correct it.
    for _ in range(6):
        page.keyboard.press("Shift+Enter")
    expect(refused.locator("[data-field=household]")).to_be_focused()
    for _ in range(6):
        page.keyboard.press("Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type("1500")
    page.keyboard.press("Enter")
    expect(refused.locator(".entry-status")).to_have_text("已保存 ✓")
    expect(refused.locator("[data-error=contribution_amount]")).to_have_text("")
    assert SurveyResponse.objects.filter(campaign=survey).count() == 10

    # The connection drops: two more rows stay in the browser, marked 未保存.
    page.route(CUT, lambda route: route.abort())
    last = page.locator("#entry-grid tbody tr").last
    last.locator("[data-field=household]").focus()
    type_row(page, 111)
    type_row(page, 112)
    expect(statuses(page).filter(has_text="未保存")).to_have_count(2)
    kept = page.evaluate("key => JSON.parse(localStorage.getItem(key)).rows.length", survey_storage_key(page))
    assert kept == 2
    assert SurveyResponse.objects.filter(campaign=survey).count() == 10

    # It returns: both are sent again and saved, once each.
    page.unroute(CUT)
    expect(statuses(page).filter(has_text="已保存 ✓")).to_have_count(12, timeout=20000)
    answers = SurveyResponse.objects.filter(campaign=survey)
    assert answers.count() == 12
    assert answers.values("household").distinct().count() == 12
    assert answers.values("entry_key").distinct().count() == 12
    assert page.evaluate("key => localStorage.getItem(key)", survey_storage_key(page)) is None
    # The refused row's 400 and the aborted requests are reported by the browser; nothing else.
    assert [e for e in page.console_errors if not e.startswith("Failed to load resource")] == []


def survey_storage_key(page):
    return page.locator("#entry-grid").get_attribute("data-storage-key")


def test_a_row_typed_without_a_connection_comes_back_after_a_reload_and_is_saved(world, page, log_in, survey):
    log_in("clerk_a")
    page.goto(reverse("residents:campaign_entry", args=[survey.pk]))
    page.route("**/entry/row/", lambda route: route.abort())
    type_row(page, 101)
    expect(statuses(page).filter(has_text="未保存")).to_have_count(1)

    page.unroute("**/entry/row/")
    page.on("dialog", lambda dialog: dialog.accept())  # the page asks before leaving unsaved rows
    page.reload()
    restored = page.locator("#entry-grid tbody tr").first
    expect(restored.locator("[data-field=household]")).to_have_value("3-1-101")
    expect(restored.locator(".entry-status")).to_have_text("已保存 ✓")
    assert SurveyResponse.objects.filter(campaign=survey).count() == 1


def test_answers_loaded_for_correction_save_again_as_the_same_answers(world, page, log_in, survey):
    log_in("clerk_a")
    page.goto(reverse("residents:campaign_entry", args=[survey.pk]))
    type_row(page, 101)
    type_row(page, 102)
    expect(statuses(page).filter(has_text="已保存 ✓")).to_have_count(2)

    page.goto(reverse("residents:campaign_entry", args=[survey.pk]))
    page.locator("#entry-load").click()
    first = page.locator("#entry-grid tbody tr").first
    expect(first.locator("[data-field=household]")).to_have_value("3-1-101")
    expect(statuses(page).filter(has_text="已保存 ✓")).to_have_count(2)
    first.locator("[data-field=comment]").fill("更正：不同意")
    first.locator("[data-field=agrees]").select_option("no")
    page.keyboard.press("Enter")
    expect(first.locator(".entry-status")).to_have_text("已保存 ✓")
    answers = SurveyResponse.objects.filter(campaign=survey)
    assert answers.count() == 2
    assert answers.get(household__room="101").agrees == "no"


def test_rows_typed_after_logging_in_again_in_another_tab_are_saved(world, page, log_in, survey):
    log_in("clerk_a")
    page.goto(reverse("residents:campaign_entry", args=[survey.pk]))
    # Another tab logs out and in again: a new session and a new CSRF token the grid does not hold.
    other = page.context.new_page()
    other.goto("/")
    other.locator("#usermenu").click()
    other.get_by_role("button", name="退出登录").click()
    other.goto("/accounts/login/")
    other.get_by_label("用户名").fill("clerk_a")
    other.get_by_label("密码").fill(PASSWORD)
    other.get_by_role("button", name="登录").click()
    other.wait_for_url("**/")
    other.close()

    refused = []
    page.on("response", lambda response: response.status == 403 and refused.append(response.url))
    page.locator("#entry-grid tbody [data-field=household]").first.focus()
    type_row(page, 101)
    expect(statuses(page).first).to_have_text("已保存 ✓", timeout=20000)
    assert refused, "the first send should have met the CSRF check with the old token"
    assert SurveyResponse.objects.filter(campaign=survey).count() == 1
