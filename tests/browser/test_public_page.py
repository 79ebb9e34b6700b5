"""The public page (公示) in the browser: city staff publish a project's page from its 公示页 link,
see its QR code, and a resident opens the address on a phone without logging in; once withdrawn,
the address answers 404."""

from playwright.sync_api import expect

from tests.factories import compound_in, project_in

from .test_approvals import logged_in


def test_city_staff_publish_a_page_a_resident_reads_on_a_phone_and_withdraw_it(
    world, chromium, live_server, settings
):
    settings.PORTAL_URL = live_server.url
    compound = compound_in(world.community_a, name="嘉和小区", address="嘉和路8号", household_count=88)
    project = project_in(compound, stage="construction", name="嘉和小区改造项目")

    staff = logged_in(chromium, live_server, "city")
    staff.goto(project.get_absolute_url())
    staff.locator("#main").get_by_role("link", name="公示页").click()
    expect(staff.locator("#public-status")).to_have_text("未发布")
    staff.get_by_label("投诉电话").fill("0533-3181234")
    staff.get_by_role("button", name="发布").click()
    expect(staff.locator("#public-status")).to_have_text("已发布")
    qr = staff.get_by_role("img", name="公示页二维码")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0  # the SVG loaded
    address = staff.locator("#public-url").input_value()
    assert address.startswith(f"{live_server.url}/p/")

    phone = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    resident = phone.new_page()
    errors = []
    resident.on("console", lambda message: message.type == "error" and errors.append(message.text))
    assert resident.goto(address).status == 200
    expect(resident.get_by_role("heading", level=1)).to_have_text("嘉和小区改造项目")
    expect(resident.get_by_text("嘉和路8号")).to_be_visible()
    hotline = resident.get_by_role("link", name="0533-3181234")
    expect(hotline).to_have_attribute("href", "tel:0533-3181234")
    assert hotline.bounding_box()["height"] >= 44
    assert resident.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert resident.locator("nav.navbar").count() == 0
    assert errors == []

    staff.get_by_role("button", name="撤回").click()
    expect(staff.locator("#public-status")).to_have_text("未发布")
    assert resident.goto(address).status == 404
    phone.close()
    assert staff.console_errors == []
