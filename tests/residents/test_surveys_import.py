"""import_data survey_responses and export_data survey_responses: one row per household, each wrong
cell named by row and column in Chinese, a file saved whole or not at all, the same file imported
twice changes nothing, and the campaign's own template imports back after LibreOffice saved it."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import load_workbook

from core.importing import importer_for
from core.imports import import_commit, import_upload
from core.models import ImportBatch
from core.spreadsheets import write_xlsx
from projects.models import ItemCategory, Project, RenovationItem
from residents.models import CategoryScore, SurveyCampaign, SurveyResponse
from tests.factories import compound_in, project_in
from tests.projects.test_import_templates import commit, resave, saved, soffice_profile, upload  # noqa: F401
from tests.residents.factories import building_in, campaign_for, household_in

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
KIND = "survey_responses"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def headers():
    return [column.header for column in importer_for(KIND).columns]


def sheet(*rows):
    columns = headers()
    return write_xlsx(columns, [[row.get(header) for header in columns] for row in rows])


def check(user, *rows, content=None):
    content = content or sheet(*rows)
    return import_upload(
        actor=user, kind=KIND, uploaded=SimpleUploadedFile("answers.xlsx", content), background=False
    )


def imported(user, *rows):
    batch = check(user, *rows)
    assert batch.errors == [], batch.errors
    return import_commit(actor=user, batch=batch, background=False)


def errors(batch):
    return [(e["row"], e["column"], e["message"]) for e in batch.errors]


@pytest.fixture
def needs(world):
    compound = compound_in(world.community_a, name="华光路一号院", code="ZD-CZ-101")
    building = building_in(compound, "3号楼")
    households = [household_in(compound, building=building, unit="2单元", room=f"30{n}") for n in (1, 2, 3)]
    return campaign_for(compound), households


def row(campaign, room, **cells):
    values = {
        "调查编号": campaign.pk, "小区": "ZD-CZ-101", "楼栋": "3号楼", "单元": "2单元", "房号": room,
        "来源": "纸质", "调查日期": TODAY.isoformat(), "是否同意": "同意",
    }  # fmt: skip
    return {**values, **cells}


def test_needs_answers_import_with_items_and_money_and_a_second_import_changes_nothing(world, needs):
    campaign, _households = needs
    lift = RenovationItem.objects.filter(active=True).order_by("pk")[0]
    other = RenovationItem.objects.filter(active=True).order_by("pk")[1]
    rows = [
        row(
            campaign,
            "301",
            想要的改造内容=f"{lift.name}、{other.name}",
            愿意出资="是",
            **{"出资金额（元）": 1500},
        ),
        row(campaign, "302", 是否同意="不同意", 来源="入户", 意见建议="=楼道太暗"),
        row(campaign, 303, 单元="2", 楼栋="3", 是否同意="未决定", 愿意出资="否"),
    ]
    batch = imported(world["clerk_a"], *rows)
    assert batch.status == ImportBatch.Status.COMMITTED and batch.summary["new"] == 3
    first = SurveyResponse.objects.get(household__room="301")
    assert set(first.wanted_items.all()) == {lift, other}
    assert first.contribution_amount == 1500 and first.willing_to_contribute is True
    assert first.entered_by == world["clerk_a"]
    assert SurveyResponse.objects.get(household__room="302").comment == "=楼道太暗"
    again = check(world["clerk_a"], *rows)
    assert again.errors == [] and again.summary["unchanged"] == 3 and again.summary["new"] == 0


def test_satisfaction_scores_import_per_category(world):
    compound = compound_in(world.community_a, code="ZD-CZ-102")
    project_in(compound, stage=Project.Stage.HANDOVER)
    household = household_in(compound, unit="1单元", room="101")
    campaign = campaign_for(compound, kind=SurveyCampaign.Kind.SATISFACTION)
    basic = ItemCategory.objects.get(code="basic")
    imported(
        world["clerk_a"],
        {"调查编号": campaign.pk, "小区": "ZD-CZ-102", "楼栋": "1号楼", "单元": "1单元", "房号": "101",
         "来源": "电话", "调查日期": TODAY, "总体满意度": 4, f"{basic.name}满意度": 5},
    )  # fmt: skip
    answer = SurveyResponse.objects.get(household=household)
    assert answer.overall_score == 4
    assert CategoryScore.objects.get(response=answer, category=basic).score == 5


def test_each_wrong_cell_is_named_by_row_and_column_and_nothing_is_saved(world, needs):
    campaign, _households = needs
    other = compound_in(world.community_a, name="外院", code="ZD-CZ-999")
    household_in(other, unit="1单元", room="101")
    rows = [
        row(campaign, "301", 调查日期=(campaign.closes_on + datetime.timedelta(days=1)).isoformat()),
        row(campaign, "302", 想要的改造内容="金顶屋面"),
        row(campaign, "302"),
        row(campaign, "303", 总体满意度=7),
        row(campaign, "101", 小区="ZD-CZ-999", 楼栋="1号楼", 单元="1单元"),
    ]
    batch = check(world["clerk_a"], *rows)
    found = errors(batch)
    assert found[0][:2] == (2, "调查日期") and "调查时间为" in found[0][2]
    assert found[1][:2] == (3, "想要的改造内容") and "金顶屋面" in found[1][2]
    assert found[2][:2] == (4, "房号") and "第3行" in found[2][2]
    assert found[3][:2] == (5, "总体满意度") and "1至5" in found[3][2]
    assert found[4][:2] == (6, "小区") and "不包括" in found[4][2]
    assert len(found) == 5
    assert (
        import_commit(actor=world["clerk_a"], batch=batch, background=False).status
        != ImportBatch.Status.COMMITTED
    )
    assert not SurveyResponse.objects.exists()


def test_a_household_that_answered_with_other_values_is_refused(world, needs):
    campaign, _households = needs
    imported(world["clerk_a"], row(campaign, "301"))
    batch = check(world["clerk_a"], row(campaign, "301", 是否同意="不同意"))
    assert errors(batch) == [(2, "房号", "该住户已参加过本次调查。")]


def test_a_satisfaction_score_outside_1_to_5_is_refused_in_chinese(world):
    compound = compound_in(world.community_a, code="ZD-CZ-103")
    project_in(compound, stage=Project.Stage.ACCEPTANCE)
    household_in(compound, unit="1单元", room="101")
    campaign = campaign_for(compound, kind=SurveyCampaign.Kind.SATISFACTION)
    batch = check(
        world["clerk_a"],
        {"调查编号": campaign.pk, "小区": "ZD-CZ-103", "楼栋": "1号楼", "单元": "1单元", "房号": "101",
         "来源": "电话", "调查日期": TODAY, "总体满意度": 0, "基础类满意度": 6},
    )  # fmt: skip
    assert [(e[1]) for e in errors(batch)] == ["总体满意度", "基础类满意度"]
    assert all("1至5" in e[2] for e in errors(batch))


def test_clerk_b_cannot_import_answers_of_street_a(world, needs):
    campaign, _households = needs
    batch = check(world["clerk_b"], row(campaign, "301"))
    assert errors(batch) == [(2, "调查编号", "您的辖区内没有此编号的调查。")]


def test_export_data_writes_what_import_data_reads_back_unchanged(world, needs, tmp_path):
    campaign, _households = needs
    imported(
        world["clerk_a"],
        row(campaign, "301", 愿意出资="是", **{"出资金额（元）": 2000}),
        row(campaign, "302"),
    )
    out = tmp_path / "answers.xlsx"
    call_command("export_data", KIND, "--as", "clerk_a", "--out", str(out), stdout=io.StringIO())
    sheet_rows = list(load_workbook(out).worksheets[0].iter_rows(values_only=True))
    assert sheet_rows[0][:5] == ("调查编号", "小区", "楼栋", "单元", "房号") and len(sheet_rows) == 3
    call_command("import_data", KIND, str(out), "--as", "clerk_a", "--commit", stdout=io.StringIO())
    assert SurveyResponse.objects.count() == 2
    batch = check(world["clerk_a"], content=out.read_bytes())
    assert batch.errors == [] and batch.summary["unchanged"] == 2


def campaign_template(client, campaign):
    response = client.get(f"/residents/surveys/{campaign.pk}/template.xlsx")
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def test_the_campaign_template_imports_as_downloaded(world, client_for, needs):
    campaign, _households = needs
    client = client_for("clerk_a")
    batch = upload(client, KIND, saved(campaign_template(client, campaign)), "answers.xlsx")
    assert batch.errors == [] and batch.summary["new"] == 1
    assert commit(client, batch).status == ImportBatch.Status.COMMITTED
    assert SurveyResponse.objects.filter(campaign=campaign).count() == 1


def test_the_campaign_template_saved_again_by_libreoffice_imports(world, client_for, needs, resave):  # noqa: F811
    campaign, _households = needs
    client = client_for("clerk_a")
    content = resave(saved(campaign_template(client, campaign)), name="answers.xlsx")
    batch = upload(client, KIND, content, "answers.xlsx")
    assert batch.errors == [], batch.errors
    assert commit(client, batch).status == ImportBatch.Status.COMMITTED


def fill_campaign(workbook, campaign):
    """The generic template's example row, pointed at ``campaign``'s first household."""
    sheet = workbook.worksheets[0]
    names = [cell.value for cell in sheet[1]]
    sheet.cell(row=2, column=names.index("调查编号") + 1, value=campaign.pk)
    sheet.cell(row=2, column=names.index("调查日期") + 1, value=TODAY.isoformat())
    return workbook


# The kinds test_import_templates checks have a round trip of their own (here, for survey answers).
CHAIN = ((KIND, fill_campaign, lambda: SurveyResponse.objects.all()),)


def test_the_generic_template_imports_once_its_survey_number_is_written(world, client_for):
    compound = compound_in(world.community_a, name="华光路一号院", code="ZD-CZ-001")
    household_in(compound, building=building_in(compound, "1号楼"), unit="1单元", room="101")
    campaign = campaign_for(compound)
    client = client_for("clerk_a")
    response = client.get(f"/imports/{KIND}/template.xlsx")
    workbook = fill_campaign(load_workbook(io.BytesIO(response.content)), campaign)
    batch = upload(client, KIND, saved(workbook), "answers.xlsx")
    assert batch.errors == [], batch.errors
    assert commit(client, batch).status == ImportBatch.Status.COMMITTED


def test_checking_a_file_runs_the_same_queries_for_1_and_20_answers(world, needs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    campaign, households = needs
    for n in range(4, 21):
        household_in(households[0].compound, building=households[0].building, unit="2单元", room=f"3{n:02d}")
    item = RenovationItem.objects.filter(active=True).first().name
    rooms = ["301", "302", "303", *(f"3{n:02d}" for n in range(4, 21))]

    def queries(count):
        content = sheet(*(row(campaign, room, 想要的改造内容=item) for room in rooms[:count]))
        with CaptureQueriesContext(connection) as captured:
            batch = check(world["clerk_a"], content=content)
        assert batch.errors == [] and batch.summary["new"] == count
        return len(captured)

    queries(1)  # content types and the like, read once per process
    assert queries(1) == queries(20)
