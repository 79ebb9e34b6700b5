"""The lifecycle funnel over hand-made projects of the demo city's regions, plan year 2026, read as
of 2026-06-30 (every day worked out by hand below):

    张店区 (车站街道)
      A  needs survey, created 2026-06-01 10:00 (Shanghai)            29 days
      B  needs survey, created 2026-06-20 02:00 (Shanghai; 06-19 UTC)  10 days
      C  construction, started 2026-04-01                              90 days
      D  construction, started 2026-06-30                               0 days
      E  joint review, no declaration date recorded                    counted, no days
      F  completion acceptance, completed 2026-07-15 (after the date)  counted, no days
      P  construction, plan year 2025                                  not counted
    淄川区
      G  closed, audited 2026-01-01                                   180 days
"""

import datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import RequestFactory
from django.utils import translation

from org.models import Region
from projects.lifecycle.selectors import projects_by_stage
from projects.models import Project
from reports.dashboard import funnel
from reports.dashboard.scope import choose
from tests.factories import compound_in, project_in

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2026, 6, 30)
UTC = datetime.UTC


def scope_for(user, **query):
    request = RequestFactory().get("/dashboard/", {"year": 2026, "as_of": AS_OF.isoformat(), **query})
    request.user = user
    scope = choose(request)
    assert scope.projects is not None  # the user's scope is read once, before the section's queries
    return scope


def project(community, stage, plan_year=2026, created=None, **dates):
    made = project_in(compound_in(community), plan_year=plan_year)
    values = {"stage": stage, **dates}
    if created:
        values["created_at"] = created
    Project.objects.filter(pk=made.pk).update(**values)
    made.refresh_from_db()
    return made


@pytest.fixture
def made(world):
    a = world.community_a
    b = Region.objects.filter(level=Region.Level.COMMUNITY, path__startswith=world.district_b.path).first()
    return {
        "A": project(a, "survey", created=datetime.datetime(2026, 6, 1, 2, 0, tzinfo=UTC)),
        "B": project(a, "survey", created=datetime.datetime(2026, 6, 19, 18, 0, tzinfo=UTC)),
        "C": project(a, "construction", started_on=datetime.date(2026, 4, 1)),
        "D": project(a, "construction", started_on=AS_OF),
        "E": project(a, "review"),
        "F": project(a, "acceptance", completed_on=datetime.date(2026, 7, 15)),
        "P": project(a, "construction", plan_year=2025, started_on=datetime.date(2025, 4, 1)),
        "G": project(b, "closed", audited_on=datetime.date(2026, 1, 1)),
    }


def stages(section):
    return {row[0]: row[1:] for row in section.tables[0].rows}


def test_the_funnel_counts_each_stages_projects_and_their_days_there(world, made):
    with translation.override("en"):
        section = funnel.build(scope_for(world["leader"]))
        rows = stages(section)
        assert list(rows) == [str(label) for label in Project.Stage.labels]  # every stage, in order
    assert rows["needs survey"] == [2, Decimal("19.5"), 29]
    assert rows["preliminary plan and budget"] == [0, None, None]
    assert rows["joint review and approval"] == [1, None, None]  # no declaration date: no days
    assert rows["construction"] == [2, Decimal("45.0"), 90]
    assert rows["completion acceptance"] == [1, None, None]  # entered after the as-of date
    assert rows["closed"] == [1, Decimal("180.0"), 180]
    assert section.tables[0].total[1:] == [7, Decimal("61.8"), 180]  # (29+10+90+0+180) / 5


def test_the_project_waiting_longest_at_each_stage_links_to_its_page(world, made):
    section = funnel.build(scope_for(world["leader"]))
    longest = section.tables[1]
    assert [row[0] for row in longest.rows] == [made["A"].name, made["C"].name, made["G"].name]
    assert [row[2:] for row in longest.rows] == [["2026-06-01", 29], ["2026-04-01", 90], ["2026-01-01", 180]]
    assert longest.links == [p.get_absolute_url() for p in (made["A"], made["C"], made["G"])]


def test_the_funnels_counts_are_the_project_lists_stage_counts(world, made):
    scope = scope_for(world["leader"])
    chart = funnel.build(scope).chart
    assert [(s["name"], s["value"]) for s in chart["stages"]] == [
        (str(label), n) for label, n in projects_by_stage(scope.projects)
    ]


def test_district_staff_see_only_their_districts_projects(world, made):
    section = funnel.build(scope_for(world["district"]))
    rows = stages(section)
    assert rows[str(Project.Stage.CLOSED.label)] == [0, None, None]  # G lies in 淄川区
    assert section.tables[0].total[1] == 6
    assert made["G"].name not in [row[0] for row in section.tables[1].rows]


def test_a_stage_opens_the_project_list_of_that_stage_and_year(world, made, client_for):
    chart = funnel.build(scope_for(world["leader"])).chart
    construction = next(s for s in chart["stages"] if s["name"] == str(Project.Stage.CONSTRUCTION.label))
    url = urlsplit(construction["url"])
    assert url.path == "/projects/"
    assert parse_qs(url.query) == {"plan_year": ["2026"], "stage": ["construction"]}
    page = client_for("leader").get(construction["url"]).content.decode()
    assert made["C"].name in page and made["D"].name in page
    assert made["P"].name not in page  # plan year 2025
    assert made["A"].name not in page  # another stage


def test_a_drilled_down_stage_opens_the_list_of_its_district(world, made):
    scope = scope_for(world["leader"], region=world.street_a.pk)
    survey = funnel.build(scope).chart["stages"][0]
    assert parse_qs(urlsplit(survey["url"]).query)["district"] == [str(world.district_a.pk)]


def test_the_funnel_runs_one_query_for_one_project_or_many(world, django_assert_num_queries):
    project(world.community_a, "construction", started_on=datetime.date(2026, 4, 1))
    scope = scope_for(world["leader"])
    with django_assert_num_queries(1):
        funnel.build(scope)
    for n in range(12):
        project(
            world.community_a, Project.Stage.values[n % 10], created=datetime.datetime(2026, 5, 1, tzinfo=UTC)
        )
    scope = scope_for(world["leader"])
    with django_assert_num_queries(1):
        section = funnel.build(scope)
    assert section.tables[0].total[1] == 13


def test_the_funnel_reads_in_chinese(world, made):
    with translation.override("zh-hans"):
        section = funnel.build(scope_for(world["leader"]))
        columns = [str(column) for column in section.tables[0].columns]
        assert columns == ["阶段", "项目数", "平均停留（天）", "最长停留（天）"]
        assert [row[0] for row in section.tables[0].rows][:2] == ["需求调查", "初步方案及预算"]
        assert section.chart["labels"]["waited"] == "平均{average}天，最长{longest}天"
        assert str(section.title) == "各阶段项目及停留时长"


def test_the_dashboard_draws_the_funnel(world, made, client_for):
    page = client_for("leader").get("/dashboard/", {"year": 2026, "as_of": AS_OF.isoformat()})
    html = page.content.decode()
    assert 'id="dash-chart-funnel"' in html
    assert "reports/dashboard/funnel.js" in html
