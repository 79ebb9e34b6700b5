"""Annual quotas (年度任务): the city's staff keep the province's quota and the split to districts in
one form; districts, departments, leaders and auditors read them; the page warns, factor by
factor, when the districts' shares do not add up to the city's quota."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import AuditEntry
from org.models import Region
from projects.models import AnnualQuota
from projects.quotas.selectors import quota_table
from projects.quotas.services import quota_delete, quota_save, quotas_save

URL = "/projects/quotas/"


def districts(world):
    return list(Region.objects.filter(parent=world.city, level=Region.Level.DISTRICT).order_by("path"))


def split_2020(world):
    """淄博 2020 (34 compounds, 1.99万 households, 205.67万 m²) and a split that adds up."""
    city = world["city"]
    quota_save(actor=city, region=world.city, year=2020, compounds=34, households=19900, buildings=420,
               floor_area=Decimal("2056700"), investment=Decimal("616000000"))  # fmt: skip
    quota_save(actor=city, region=world.district_a, year=2020, compounds=20, households=12000, buildings=250,
               floor_area=Decimal("1200000"), investment=Decimal("360000000"))  # fmt: skip
    quota_save(actor=city, region=world.district_b, year=2020, compounds=14, households=7900, buildings=170,
               floor_area=Decimal("856700"), investment=Decimal("256000000"))  # fmt: skip


# --- Services -------------------------------------------------------------------------------------


def test_saving_a_quota_creates_it_once_and_records_it(world):
    quota = quota_save(actor=world["city"], region=world.city, year=2021, compounds=98, households=29100)
    again = quota_save(actor=world["city"], region=world.city, year=2021, compounds=98, households=29100)
    assert again.pk == quota.pk and AnnualQuota.objects.count() == 1
    entries = AuditEntry.objects.filter(content_type__model="annualquota")
    assert [e.action for e in entries] == ["create"]  # the same figures again wrote nothing

    quota_save(actor=world["city"], region=world.city, year=2021, floor_area=Decimal("2982300"))
    quota.refresh_from_db()
    assert (quota.compounds, quota.households, quota.floor_area) == (98, 29100, Decimal("2982300.00"))
    change = entries.get(action="update")
    assert change.changes == {"floor_area": ["0.00", "2982300.00"]}


def test_a_quota_is_for_a_city_or_a_district_never_a_street(world):
    with pytest.raises(ValidationError) as error:
        quota_save(actor=world["city"], region=world.street_a, year=2026, compounds=1)
    assert "region" in error.value.message_dict
    assert not AnnualQuota.objects.exists()


def test_negative_figures_are_refused(world):
    with pytest.raises(ValidationError):
        quota_save(actor=world["city"], region=world.city, year=2026, floor_area=Decimal("-1"))


@pytest.mark.parametrize("persona", ["district", "clerk_a", "finance", "leader", "auditor", "sysadmin"])
def test_only_the_city_keeps_quotas(world, persona):
    with pytest.raises(PermissionDenied):
        quota_save(actor=world[persona], region=world.district_a, year=2026, compounds=3)
    assert not AnnualQuota.objects.exists()


def test_deleting_a_quota_is_recorded(world):
    quota = quota_save(actor=world["city"], region=world.district_a, year=2026, compounds=3)
    with pytest.raises(PermissionDenied):
        quota_delete(actor=world["district"], quota=quota)
    quota_delete(actor=world["city"], quota=quota)
    assert not AnnualQuota.objects.exists()
    assert AuditEntry.objects.filter(content_type__model="annualquota", action="delete").count() == 1


def test_a_table_saved_with_a_refused_row_saves_nothing(world):
    rows = [
        {"region": world.city, "compounds": 10},
        {"region": world.district_a, "compounds": 6},
        {"region": world.street_a, "compounds": 4},
    ]
    with pytest.raises(ValidationError):
        quotas_save(actor=world["city"], year=2026, rows=rows)
    assert not AnnualQuota.objects.exists()


# --- The table and its warning ----------------------------------------------------------------------


def test_shares_that_add_up_raise_no_warning(world):
    split_2020(world)
    table = quota_table(world.city, 2020)
    assert table.complete and table.mismatches == [] and table.warning == ""
    assert table.sums["compounds"] == 34 and table.sums["floor_area"] == Decimal("2056700.00")
    assert [row.region for row in table.district_rows] == districts(world)
    assert table.city_row.quota.households == 19900


def test_the_warning_names_each_factor_that_differs(world):
    split_2020(world)
    quota_save(actor=world["city"], region=world.district_b, year=2020, compounds=13, buildings=171,
               investment=Decimal("250000000"))  # fmt: skip
    table = quota_table(world.city, 2020)
    assert [m.factor for m in table.mismatches] == ["compounds", "buildings", "investment"]
    assert table.warning == (
        "各区县任务之和与全市任务不一致：小区数（市 34，各区县合计 33）；楼栋数（市 420，各区县合计 421）；"
        "投资（市 61,600.00 万元，各区县合计 61,000.00 万元）。"
    )


def test_floor_area_and_households_are_named_too(world):
    split_2020(world)
    quota_save(actor=world["city"], region=world.district_a, year=2020, households=12001,
               floor_area=Decimal("1200000.5"))  # fmt: skip
    warning = quota_table(world.city, 2020).warning
    assert "户数（市 19,900，各区县合计 19,901）" in warning
    assert "建筑面积（市 2,056,700.00 m²，各区县合计 2,056,700.50 m²）" in warning


def test_a_city_quota_not_yet_split_is_flagged_and_an_empty_year_is_not(world):
    assert quota_table(world.city, 2030).warning == ""
    quota_save(actor=world["city"], region=world.city, year=2030, compounds=5)
    assert "小区数（市 5，各区县合计 0）" in quota_table(world.city, 2030).warning


def test_a_district_reads_its_share_and_the_citys_quota_only(world):
    split_2020(world)
    table = quota_table(world.city, 2020, user=world["district"])
    assert [row.region for row in table.district_rows] == [world.district_a]
    assert table.city_row.quota.compounds == 34
    assert not table.complete and table.warning == ""
    assert AnnualQuota.objects.restrict(world["district"], "change").count() == 0


# --- The page ----------------------------------------------------------------------------------------


def grid(world, year, values):
    """The form as the browser sends it: ``values`` {region: {field: text}}; other rows empty."""
    data = {}
    for region in [world.city, *districts(world)]:
        for name in ("compounds", "households", "buildings", "floor_area", "investment", "note"):
            data[f"r{region.pk}-{name}"] = values.get(region, {}).get(name, "")
    return data


def test_city_staff_enter_the_quota_and_the_split_in_one_form(world, client_for):
    client = client_for("city")
    page = client.get(URL, {"year": 2022}).content.decode()
    assert 'id="quota-form"' in page
    # Units beside the boxes, and in the headers.
    assert f'<span class="input-group-text" id="id_r{world.city.pk}-investment-unit">万元</span>' in page
    assert f'<span class="input-group-text" id="id_r{world.city.pk}-floor_area-unit">m²</span>' in page
    assert f'<span class="input-group-text" id="id_r{world.city.pk}-compounds-unit">个</span>' in page
    assert "投资（万元）" in page and "建筑面积（m²）" in page

    typed = {
        world.city: {"compounds": "69", "households": "31200", "buildings": "610", "floor_area": "3704500",
                     "investment": "111135", "note": "鲁建城字〔2022〕3号"},
        world.district_a: {"compounds": "40", "households": "18000", "buildings": "350", "floor_area": "2100000",
                           "investment": "63000"},
        world.district_b: {"compounds": "29", "households": "13200", "buildings": "260", "floor_area": "1604500",
                           "investment": "48135"},
    }  # fmt: skip
    response = client.post(f"{URL}?city={world.city.pk}&year=2022", grid(world, 2022, typed))
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?city={world.city.pk}&year=2022"
    city = AnnualQuota.objects.get(region=world.city, year=2022)
    assert (city.compounds, city.floor_area, city.investment) == (
        69,
        Decimal("3704500.00"),
        Decimal("1111350000.00"),
    )
    assert city.note == "鲁建城字〔2022〕3号"
    assert AnnualQuota.objects.filter(year=2022).count() == 3  # empty rows: no quota

    page = client.get(URL, {"year": 2022}).content.decode()
    assert f'name="r{world.city.pk}-investment" value="111135"' in page  # reads back as typed
    assert 'id="quota-warning"' not in page

    # Sent twice (a double click): nothing changes the second time.
    entries = AuditEntry.objects.filter(content_type__model="annualquota").count()
    client.post(f"{URL}?city={world.city.pk}&year=2022", grid(world, 2022, typed))
    assert AuditEntry.objects.filter(content_type__model="annualquota").count() == entries
    assert AnnualQuota.objects.filter(year=2022).count() == 3


def test_the_page_warns_when_shares_do_not_add_up(world, client_for):
    split_2020(world)
    quota_save(actor=world["city"], region=world.district_b, year=2020, compounds=10)
    page = client_for("leader").get(URL, {"year": 2020}).content.decode()
    warning = page.split('id="quota-warning"')[1].split("</div>")[0]
    assert "各区县任务之和与全市任务不一致" in warning and "小区数（市 34，各区县合计 30）" in warning
    assert 'id="quota-form"' not in page  # the leader reads
    assert "2,056,700.00" in page and "61,600.00" in page


def test_a_wrong_box_is_named_and_nothing_is_saved(world, client_for):
    typed = {world.city: {"compounds": "12"}, world.district_a: {"compounds": "-1", "investment": "abc"}}
    response = client_for("city").post(f"{URL}?year=2026", grid(world, 2026, typed))
    assert response.status_code == 200
    errors = response.content.decode().split('id="quota-errors"')[1].split("</div>")[0]
    assert "张店区，小区数：" in errors and "张店区，投资：" in errors
    assert not AnnualQuota.objects.exists()


def test_figures_typed_as_the_page_shows_them_are_read(world, client_for):
    """1,539 and 118,956.00 as the sums row writes them, in every box (万元 already took them)."""
    typed = {world.city: {"compounds": "12", "households": "1,539", "floor_area": "118,956.50",
                          "investment": "3,570"}}  # fmt: skip
    response = client_for("city").post(f"{URL}?year=2026", grid(world, 2026, typed))
    assert response.status_code == 302
    city = AnnualQuota.objects.get(region=world.city, year=2026)
    assert (city.households, city.floor_area, city.investment) == (
        1539,
        Decimal("118956.50"),
        Decimal("35700000.00"),
    )


def test_emptying_a_row_removes_that_quota(world, client_for):
    split_2020(world)
    client = client_for("city")
    table = quota_table(world.city, 2020)
    typed = {
        row.region: {
            name: str(row.value(name)) for name in ("compounds", "households", "buildings", "floor_area")
        }
        | {"investment": str(row.value("investment") / 10000)}
        for row in [table.city_row, *table.district_rows]
        if row.quota is not None and row.region != world.district_b
    }
    assert client.post(f"{URL}?year=2020", grid(world, 2020, typed)).status_code == 302
    assert not AnnualQuota.objects.filter(region=world.district_b, year=2020).exists()
    assert AnnualQuota.objects.get(region=world.city, year=2020).investment == Decimal("616000000.00")


def test_a_district_reads_its_row_and_the_citys_without_a_form(world, client_for):
    split_2020(world)
    client = client_for("district")
    page = client.get(URL, {"year": 2020}).content.decode()
    assert 'id="quota-form"' not in page
    assert "张店区" in page and "淄川区" not in page.split('id="quota-table"')[1]
    assert client.post(f"{URL}?year=2020", grid(world, 2020, {})).status_code == 403


def test_street_clerks_have_no_quota_page_nor_menu_entry(world, client_for):
    client = client_for("clerk_a")
    assert client.get(URL).status_code == 403
    assert URL not in client.get("/").content.decode()
    assert URL in client_for("leader").get("/").content.decode()


def test_a_year_that_is_no_year_shows_this_year(world, client_for):
    assert client_for("city").get(URL, {"year": "abc"}).status_code == 200
    assert client_for("city").get(URL, {"year": "99999"}).status_code == 200


def test_the_page_runs_the_same_queries_for_two_districts_as_for_all(world, client_for):
    client = client_for("city")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, {"year": 2024}).status_code == 200
        return len(captured)

    queries()
    quota_save(actor=world["city"], region=world.district_a, year=2024, compounds=2)
    few = queries()
    for district in districts(world):
        quota_save(actor=world["city"], region=district, year=2024, compounds=3, note="x")
    quota_save(actor=world["city"], region=world.city, year=2024, compounds=30)
    assert queries() == few


def test_the_audit_log_reads_a_quota_change_in_chinese_with_investment_in_wan(world):
    from core.changes import changes_text

    quota = quota_save(actor=world["city"], region=world.city, year=2021, investment=Decimal("894700000"))
    quota_save(
        actor=world["city"], region=world.city, year=2021, investment=Decimal("900000000"), compounds=98
    )
    entry = AuditEntry.objects.get(
        content_type__model="annualquota", action="update", object_id=str(quota.pk)
    )
    text = changes_text(entry)
    assert "89,470.00 万元" in text and "90,000.00 万元" in text and "小区数" in text, text
    assert str(entry.object_repr) == "淄博市2021年度任务"


def test_the_page_exports_the_rows_its_reader_reads(world, client_for):
    import io

    from openpyxl import load_workbook

    split_2020(world)
    response = client_for("district").get(URL, {"year": 2020, "export": "xlsx"})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].values)
    assert rows[0][:3] == ("年度", "行政区划", "小区数（个）")
    assert [row[1] for row in rows[1:]] == ["淄博市", "张店区"]
    assert rows[1][6] == 61600


def test_the_form_sent_twice_with_its_token_saves_once(world, client_for):
    from tests.projects.test_submit_once import ALREADY_SENT, token_of_form

    client = client_for("city")
    url = f"{URL}?city={world.city.pk}&year=2021"
    token = token_of_form(client.get(url).content.decode(), url, url)
    data = grid(world, 2021, {world.city: {"compounds": "98", "households": "29100"}})
    data["submission_token"] = token
    first = client.post(url, data)
    second = client.post(url, data, follow=True)
    assert first.status_code == 302 and second.redirect_chain[0][0] == first["Location"]
    assert ALREADY_SENT in second.content.decode()
    assert AuditEntry.objects.filter(content_type__model="annualquota").count() == 1
