"""A project walked from the needs survey to handover in the browser, step by step."""

from playwright.sync_api import expect

from projects.models import Compound, Project
from tests.factories import compound_in

STEPS = (
    # (button, {label: value}) in the order of the lifecycle
    ("完成需求调查", {"调查完成日期": "2026-03-01"}),
    ("完成初步方案及预算", {"方案及预算完成日期": "2026-04-01"}),
    ("申报年度计划", {"申报日期": "2026-05-01"}),
    (
        "登记批复",
        {"批复日期": "2026-06-01", "批复机关": "淄博市住房和城乡建设局", "批复文号": "淄建〔2026〕58号"},
    ),
    ("开工", {"开工日期": "2026-07-01", "施工许可证号": "370303202607010101"}),
    ("完工", {"完工日期": "2026-09-30"}),
    ("登记竣工验收", {"竣工验收日期": "2026-10-20"}),
    ("移交后期管理", {"移交日期": "2026-11-10", "后期管理单位": "车站街道物业服务中心"}),
)


def test_city_staff_walk_a_project_from_survey_to_handover(world, page, log_in):
    compound_in(world.community_a, name="华光路小区")
    compound_in(world.community_a, name="华光路新村")
    log_in("city")
    page.goto("/projects/add/")
    page.get_by_role("combobox", name="小区").press_sequentially("华光路小区")
    expect(page.locator(".ts-dropdown .option.active")).to_contain_text("华光路小区")
    page.keyboard.press("Enter")
    page.get_by_label("项目名称").fill("华光路片区改造")
    page.get_by_label("计划年度").fill("2026")
    page.get_by_label("施工单位").fill("淄博建工集团有限公司")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", name="华光路片区改造")).to_be_visible()

    for button, inputs in STEPS:
        step = page.locator("#next-step")
        expect(step.get_by_role("heading", name=button)).to_be_visible()
        for label, value in inputs.items():
            step.get_by_label(label).fill(value)
        step.get_by_role("button", name=button).click()
        expect(page.get_by_role("alert").filter(has_text=button)).to_be_visible()

    expect(page.locator("#stages [aria-current=step]")).to_have_text("审计")
    project = Project.objects.get(name="华光路片区改造")
    assert project.stage == Project.Stage.AUDIT
    assert str(project.started_on) == "2026-07-01" and str(project.completed_on) == "2026-09-30"
    assert Compound.objects.get(name="华光路小区").pool == Compound.Pool.RENOVATED
    # The timeline names every step taken.
    history = page.locator(".history-list")
    for button, _inputs in STEPS:
        expect(history).to_contain_text(button)
    assert page.console_errors == [], page.console_errors


def test_a_clerk_reads_who_records_the_approval_instead_of_a_greyed_form(world, page, log_in):
    from tests.factories import project_in

    project = project_in(compound_in(world.community_a), stage=Project.Stage.REVIEW)
    log_in("clerk_a")
    page.goto(project.get_absolute_url())
    step = page.locator("#next-step")
    expect(step.locator("#step-actor")).to_have_text("待淄博市住房和城乡建设局办理。")
    expect(step.locator("form")).to_have_count(0)
    expect(step.get_by_role("button")).to_have_count(0)


def test_read_only_roles_see_no_form_they_cannot_use(world, page, log_in):
    """Leader, reviewer and auditor read the project: no step form, no item grid, no progress,
    inspection, prerequisite or upload form, no 删除; the step says who acts."""
    from tests.factories import attachment_in, project_in

    project = project_in(
        compound_in(world.community_a), stage=Project.Stage.CONSTRUCTION, contractor="淄博城建集团"
    )
    attachment_in(project, world["clerk_a"])
    for persona in ("leader", "finance", "auditor"):
        page.context.clear_cookies()
        log_in(persona)
        page.goto(project.get_absolute_url())
        expect(page.locator("#step-actor")).to_contain_text("待张店区车站街道办事处办理")
        main = page.locator("main")
        expect(main.locator("form[method=post]")).to_have_count(0)
        for name in ("编辑改造内容", "填报进度", "登记督导检查"):
            expect(page.get_by_role("link", name=name)).to_have_count(0)
        expect(page.locator("#attachments").get_by_role("button")).to_have_count(0)
        expect(page.locator("#attachments").get_by_role("link", name="改造方案.pdf")).to_be_visible()
    assert page.console_errors == [], page.console_errors


def test_a_blocked_step_leads_to_where_it_is_put_right(world, page, log_in):
    from tests.factories import project_in

    project = project_in(compound_in(world.community_a), stage=Project.Stage.PROCUREMENT)
    log_in("clerk_a")
    page.goto(project.get_absolute_url())
    page.locator("#step-blockers").get_by_role("link").click()
    page.wait_for_url(f"**/projects/{project.pk}/edit/")
    expect(page.get_by_label("施工单位")).to_be_visible()
