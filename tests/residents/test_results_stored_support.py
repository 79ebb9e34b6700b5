"""Each compound's stored residents' support (what the compound list ranks by) equals what the results
pages count live, after every kind of change the services make: an answer saved or deleted, a
household added or deleted, a campaign's compounds or dates changed or the campaign deleted, a file
of households or of answers imported, and the city's rules changed."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.importing import importer_for
from core.imports import import_commit, import_upload
from core.spreadsheets import write_xlsx
from org.policy import policy_changed
from residents.households.services import household_delete, household_save
from residents.models import CompoundSupport, Household, ResidentPolicy
from residents.results.selectors import compound_support
from residents.results.support import support_refresh
from residents.surveys.services import campaign_delete, campaign_save, response_delete, response_save
from tests.factories import city_policy, compound_in
from tests.residents.factories import building_in, campaign_for, household_in

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)
FIGURES = ("households", "answered", "agreeing", "participation", "support", "passes", "campaign_id")


def stored(compounds):
    rows = {row.compound_id: row for row in CompoundSupport.objects.filter(compound__in=compounds)}
    return {
        pk: {
            **{name: getattr(rows[pk], name) for name in FIGURES},
            "registry": rows[pk].households_from_registry,
        }
        for pk in rows
    }


def live(compounds):
    return {
        pk: {
            **{name: getattr(support, name) for name in FIGURES},
            "registry": support.households_from_registry,
        }
        for pk, support in compound_support(compounds).items()
    }


def assert_exact(compounds):
    assert stored(compounds) == live(compounds)


def answer(world, campaign, household, agrees="yes"):
    values = {"origin": "paper", "answered_on": TODAY, "agrees": agrees}
    return response_save(actor=world["clerk_a"], campaign=campaign, household=household, values=values)


@pytest.fixture
def street(world):
    """Two compounds of 车站街道 with three households each, under one needs campaign."""
    compounds = [compound_in(world.community_a, household_count=40) for _ in range(2)]
    homes = {c.pk: [household_in(c, unit="1单元", room=f"20{n}") for n in (1, 2, 3)] for c in compounds}
    campaign = campaign_save(
        actor=world["clerk_a"], compounds=compounds, kind="needs", title="意愿调查",
        opens_on=TODAY - 10 * DAY, closes_on=TODAY + 10 * DAY,
    )  # fmt: skip
    return compounds, homes, campaign


def test_saving_and_deleting_answers_keeps_the_stored_support_exact(world, street):
    compounds, homes, campaign = street
    one = compounds[0]
    answer(world, campaign, homes[one.pk][0])
    saved = answer(world, campaign, homes[one.pk][1])
    assert_exact(compounds)
    assert stored([one])[one.pk]["support"] == Decimal("66.67")
    assert stored([one])[one.pk]["passes"] is True
    response_delete(actor=world["clerk_a"], response=saved)
    assert_exact(compounds)
    assert stored([one])[one.pk]["support"] == Decimal("33.33")


def test_adding_and_deleting_households_keeps_the_stored_support_exact(world, street):
    compounds, homes, campaign = street
    one = compounds[0]
    answer(world, campaign, homes[one.pk][0])
    added = household_save(
        actor=world["clerk_a"], compound=one, building=building_in(one), unit="2单元", room="501", size=2
    )
    assert_exact(compounds)
    assert stored([one])[one.pk]["households"] == 4
    household_delete(actor=world["clerk_a"], instance=added)
    for household in homes[compounds[1].pk]:
        household_delete(actor=world["clerk_a"], instance=household)
    assert_exact(compounds)
    assert stored(compounds)[compounds[1].pk]["registry"] is True  # no rows left: the register's 40


def test_changing_a_campaigns_compounds_or_dates_and_deleting_it_keeps_the_stored_support_exact(
    world, street
):
    compounds, homes, campaign = street
    newer = campaign_save(
        actor=world["clerk_a"], compounds=[compounds[0]], kind="needs", title="第二轮",
        opens_on=TODAY - 5 * DAY, closes_on=TODAY + 5 * DAY,
    )  # fmt: skip
    answer(world, campaign, homes[compounds[1].pk][0])
    assert_exact(compounds)
    assert stored(compounds)[compounds[0].pk]["campaign_id"] == newer.pk
    campaign_save(
        actor=world["clerk_a"], instance=newer, compounds=[compounds[1]], kind="needs", title="第二轮",
        opens_on=TODAY - 5 * DAY, closes_on=TODAY + 5 * DAY,
    )  # fmt: skip
    assert_exact(compounds)
    assert stored(compounds)[compounds[0].pk]["campaign_id"] == campaign.pk
    campaign_save(
        actor=world["clerk_a"], instance=newer, compounds=[compounds[1]], kind="needs", title="第二轮",
        opens_on=TODAY - 20 * DAY, closes_on=TODAY + 5 * DAY,
    )  # fmt: skip
    assert_exact(compounds)
    assert stored(compounds)[compounds[1].pk]["campaign_id"] == campaign.pk  # the older one is newest now
    campaign_delete(actor=world["clerk_a"], instance=newer)
    assert_exact(compounds)


def test_importing_households_and_answers_keeps_the_stored_support_exact(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    compound = compound_in(world.community_a, code="ZD-CZ-201", name="华光路二号院", household_count=9)
    building_in(compound, "3号楼")
    campaign = campaign_for(compound)
    support_refresh([compound])
    households = {"小区编码": "ZD-CZ-201", "小区名称": "华光路二号院", "楼栋号": "3号楼", "单元": "1单元",
                  "户主姓名": "欧阳明华", "联系电话": "13912345678", "家庭人口": 3, "有60岁以上老人": "否",
                  "有残疾人": "否", "自有或租住": "自有", "备注": ""}  # fmt: skip
    imported(world, "households", *({**households, "房号": room} for room in ("301", "302", "303")))
    assert_exact([compound])
    assert stored([compound])[compound.pk]["households"] == 3
    answers = {"调查编号": campaign.pk, "小区": "ZD-CZ-201", "楼栋": "3号楼", "单元": "1单元",
               "来源": "纸质", "调查日期": TODAY.isoformat(), "是否同意": "同意"}  # fmt: skip
    imported(world, "survey_responses", *({**answers, "房号": room} for room in ("301", "302")))
    assert_exact([compound])
    assert stored([compound])[compound.pk]["agreeing"] == 2


def imported(world, kind, *rows):
    headers = [column.header for column in importer_for(kind).columns]
    content = write_xlsx(headers, [[row.get(header) for header in headers] for row in rows])
    batch = import_upload(
        actor=world["clerk_a"], kind=kind, uploaded=SimpleUploadedFile("x.xlsx", content), background=False
    )
    assert batch.errors == [], batch.errors
    return import_commit(actor=world["clerk_a"], batch=batch, background=False)


def test_a_changed_city_policy_judges_the_stored_rates_again(world, street):
    compounds, homes, campaign = street
    one = compounds[0]
    answer(world, campaign, homes[one.pk][0])
    answer(world, campaign, homes[one.pk][1], agrees="no")
    assert stored([one])[one.pk]["passes"] is False  # 33.33 % agree
    rules = city_policy(world.city)
    ResidentPolicy.objects.create(
        policy=rules.policy, support_threshold=Decimal("30"), min_participation=Decimal("50")
    )
    policy_changed(actor=None, city_id=world.city.pk)
    assert_exact(compounds)
    assert stored([one])[one.pk]["passes"] is True


def test_refreshing_many_compounds_reads_the_database_a_fixed_number_of_times(world):
    compounds = [compound_in(world.community_a) for _ in range(3)]
    for compound in compounds:
        household_in(compound)
    campaign_for(*compounds)
    counts = []
    for some in (compounds[:1], compounds):
        with CaptureQueriesContext(connection) as captured:
            support_refresh(some)
        counts.append(len(captured))
    assert counts[0] == counts[1]
    assert_exact(compounds)


def test_the_operators_command_stores_every_compounds_support(world):
    compound = compound_in(world.community_a)
    Household.objects.create(compound=compound, building=building_in(compound), unit="1单元", room="101")
    out = io.StringIO()
    call_command("support_refresh", stdout=out)
    assert "stored in" in out.getvalue()
    assert_exact([compound])
    assert stored([compound])[compound.pk]["households"] == 1
