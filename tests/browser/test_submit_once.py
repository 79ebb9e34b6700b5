"""A double click or a second tap on 保存 saves once: the button is disabled while the form is sent,
and the server runs a form's view once per token even when the browser sends it twice."""

import datetime

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from projects.models import Attachment, ProgressReport, Project
from tests.factories import PASSWORD, attachment_in, compound_in, project_in

JPEG = {
    "name": "一号楼.jpg",
    "mimeType": "image/jpeg",
    "buffer": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32,
}


def under_construction(world):
    return project_in(
        compound_in(world.community_a),
        stage=Project.Stage.CONSTRUCTION,
        started_on=datetime.date.today() - datetime.timedelta(days=60),
    )


def fill_progress(page):
    page.locator("input[name=reported_on]").fill(datetime.date.today().isoformat())
    page.locator("input[name=percent]").fill("60")
    page.locator("input[name=investment_to_date]").fill("18")
    page.locator("input[name=photos]").set_input_files([JPEG])


def test_a_double_click_on_save_of_the_progress_form_with_a_photo_reports_once(world, page, log_in):
    project = under_construction(world)
    log_in("clerk_a")
    page.goto(f"/projects/{project.pk}/progress/add/")
    fill_progress(page)

    page.get_by_role("button", name="保存").dblclick()

    expect(page.get_by_role("alert").filter(has_text="进度已填报")).to_be_visible()
    assert ProgressReport.objects.filter(project=project).count() == 1
    assert Attachment.objects.filter(project=project).count() == 1
    assert page.console_errors == [], page.console_errors


def centre_of(locator):
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_without_javascript_a_form_sent_twice_still_reports_once(world, chromium, live_server):
    """No script disables the button: the browser sends the form a second time while the first is
    under way, and the server keeps one report."""
    project = under_construction(world)
    context = chromium.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("clerk_a")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/")
    page.goto(f"/projects/{project.pk}/progress/add/")
    fill_progress(page)
    # Each POST reaches the server; the browser gets the first answer only once the second is sent.
    answers = []

    def send(route):
        if route.request.method != "POST":
            return route.continue_()
        answers.append((route, route.fetch(max_redirects=0)))
        if len(answers) == 2:
            route.fulfill(response=answers[1][1])

    page.route("**/progress/add/", send)
    x, y = centre_of(page.get_by_role("button", name="保存"))
    page.mouse.click(x, y)
    page.wait_for_timeout(300)
    page.mouse.click(x, y)

    # The second send aborts the first navigation; the page then lands where the second answer says.
    for _attempt in range(3):
        try:
            page.wait_for_url(f"**{project.get_absolute_url()}#progress")
            break
        except PlaywrightError as error:
            if "ERR_ABORTED" not in str(error):
                raise
    assert len(answers) == 2
    assert answers[1][1].headers["location"] == answers[0][1].headers["location"]
    assert ProgressReport.objects.filter(project=project).count() == 1
    assert Attachment.objects.filter(project=project).count() == 1
    expect(page.get_by_role("alert").filter(has_text="此表单已经提交过")).to_be_visible()
    context.close()


def test_the_save_button_is_disabled_once_clicked_and_its_name_and_value_are_still_sent(world, page, log_in):
    project = under_construction(world)
    log_in("clerk_a")
    page.goto(f"/projects/{project.pk}/progress/add/")
    fill_progress(page)
    # What the button looks like just after the click, kept across the navigation.
    page.evaluate(
        """() => document.addEventListener("submit", () => setTimeout(() => sessionStorage.setItem(
            "saveDisabled", String(document.querySelector("main button[type=submit]").disabled)), 50))"""
    )
    held = []  # the answer is held back, as on a slow network, until the test lets it through
    page.route(
        "**/progress/add/",
        lambda route: held.append(route) if route.request.method == "POST" else route.continue_(),
    )
    x, y = centre_of(page.get_by_role("button", name="保存"))

    page.mouse.click(x, y)
    page.wait_for_timeout(300)
    page.mouse.click(x, y)  # a second tap while waiting sends nothing
    page.wait_for_timeout(300)
    assert len(held) == 1
    held[0].continue_()

    expect(page.get_by_role("alert").filter(has_text="进度已填报")).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('saveDisabled')") == "true"
    assert ProgressReport.objects.filter(project=project).count() == 1
    # The language switch posts the value of the clicked button: it still arrives.
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_a_removal_cancelled_at_its_question_leaves_the_button_usable(world, page, log_in):
    project = under_construction(world)
    attachment = attachment_in(project, world["clerk_a"], name="施工图.pdf")
    log_in("clerk_a")
    page.goto(project.get_absolute_url())
    remove = page.locator(f"form[action$='/attachments/{attachment.pk}/delete/'] button[type=submit]")

    page.once("dialog", lambda dialog: dialog.dismiss())
    remove.click()
    page.wait_for_timeout(300)
    expect(remove).to_be_enabled()
    assert Attachment.objects.filter(pk=attachment.pk).exists()

    page.once("dialog", lambda dialog: dialog.accept())
    remove.click()
    expect(page.get_by_role("alert").filter(has_text="施工图.pdf")).to_be_visible()
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
