"""Choosing a project's compounds by typing: Tom Select asks the server page by page; a clerk picks
with the keyboard, and what she picked survives a form sent back with errors."""

from playwright.sync_api import expect

from projects.models import Project
from tests.factories import compound_in


def test_clerk_types_part_of_a_name_and_picks_two_compounds_with_the_keyboard(world, page, log_in):
    first = compound_in(world.community_a, name="华光路小区")
    second = compound_in(world.community_a, name="华光路新村")
    compound_in(world.community_a, name="共青团路小区")
    compound_in(world.community_b, name="华光路北小区")  # another street: never offered
    log_in("clerk_a")
    page.goto("/projects/add/")
    page.get_by_role("combobox", name="小区").focus()
    page.keyboard.type("华光路")
    options = page.locator(".ts-dropdown [role=option]")
    expect(options).to_have_count(2)
    expect(options.nth(0)).to_contain_text("华光路小区（T-")
    expect(options.nth(1)).to_contain_text("华光路新村")
    page.keyboard.press("Enter")  # the first match is active
    expect(page.locator(".ts-control .item")).to_have_count(1)
    page.keyboard.type("新村")
    expect(page.locator(".ts-dropdown .option.active")).to_contain_text("华光路新村")
    page.keyboard.press("Enter")
    expect(page.locator(".ts-control .item")).to_have_count(2)

    # Saved without a name: the page comes back with its error, both compounds still chosen.
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    items = page.locator(".ts-control .item")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text("华光路小区")
    expect(items.nth(1)).to_contain_text("华光路新村")

    page.get_by_label("项目名称").fill("华光路片区改造")
    page.get_by_label("计划年度").fill("2026")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", name="华光路片区改造")).to_be_visible()
    project = Project.objects.get(name="华光路片区改造")
    assert set(project.compounds.all()) == {first, second}
    assert page.console_errors == [], page.console_errors


def test_search_pages_in_more_compounds_as_the_list_scrolls(world, page, log_in):
    for n in range(45):
        compound_in(world.community_a, name=f"翻页小区{n:02d}")
    log_in("clerk_a")
    page.goto("/projects/add/")
    page.get_by_role("combobox", name="小区").focus()
    page.keyboard.type("翻页")
    options = page.locator(".ts-dropdown [role=option]")
    expect(options).to_have_count(20)
    # Scrolling to the end of the list (a finger's swipe) loads the next page, then the last.
    content = page.locator(".ts-dropdown-content")
    for expected in (40, 45):
        for _ in range(20):
            content.evaluate("el => { el.scrollTop = el.scrollHeight; }")
            page.wait_for_timeout(250)
            if options.count() == expected:
                break
        expect(options).to_have_count(expected)
    expect(options.last).to_contain_text("翻页小区44")
    assert page.console_errors == [], page.console_errors
