"""Residents' voice on the dashboard: support and satisfaction read as the residents' own selectors
count them, complaints open and overdue as the complaint list counts them, only for those who read
surveys, narrowed to the user's area, and never a resident's name or phone."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from org.models import Region
from reports.dashboard import voice
from reports.dashboard.scope import Scope
from residents.complaints.selectors import overdue_count
from residents.models import Complaint, Household, SurveyCampaign, SurveyResponse
from residents.results.selectors import campaign_results, compound_support
from residents.results.support import support_refresh
from tests.factories import compound_in, project_in
from tests.residents.factories import building_in, campaign_for
from tests.residents.permissions.complaints import complaint_in

TODAY = timezone.localdate()


def homes(compound, n):
    building = building_in(compound)
    return Household.objects.bulk_create(
        Household(compound=compound, building=building, unit="1单元", room=str(100 + i), head_name="王建国",
                  phone="13812341234")
        for i in range(n)
    )  # fmt: skip


def surveyed(compound, n, agreeing):
    """A compound of a plan-year project with ``n`` households, ``agreeing`` of them agreeing."""
    households = homes(compound, n)
    campaign = campaign_for(compound)
    SurveyResponse.objects.bulk_create(
        SurveyResponse(campaign=campaign, household=h, answered_on=TODAY, agrees="yes" if i < agreeing else "no")
        for i, h in enumerate(households)
    )  # fmt: skip
    support_refresh([compound])
    return households


def satisfied(compound, households, scores):
    campaign = campaign_for(compound, kind=SurveyCampaign.Kind.SATISFACTION, title="满意度调查")
    SurveyResponse.objects.bulk_create(
        SurveyResponse(campaign=campaign, household=h, answered_on=TODAY, agrees="", overall_score=score)
        for h, score in zip(households, scores, strict=False)
    )
    return campaign


def overdue(compound):
    return complaint_in(compound, received_on=TODAY - datetime.timedelta(days=20))


class Area:
    """Two compounds of 车站街道 and one of 公园街道 (张店区) in this year's projects, one of 淄川区."""

    def __init__(self, world):
        self.a1 = compound_in(world.community_a)
        self.a2 = compound_in(world.community_a)
        self.b1 = compound_in(world.community_b)
        other = Region.objects.filter(
            path__startswith=world.district_b.path, level=Region.Level.COMMUNITY
        ).first()
        self.far = compound_in(other)
        for compound in (self.a1, self.a2, self.b1, self.far):
            project_in(compound, plan_year=TODAY.year)
        first = surveyed(self.a1, 3, 2)  # 66.67 %: meets two thirds
        surveyed(self.a2, 4, 1)  # 25 %
        far = surveyed(self.far, 5, 5)
        self.campaign = satisfied(self.a1, first, (5, 4, 2))
        satisfied(self.far, far, (1, 1))
        complaint_in(self.a1)
        complaint_in(self.a2, status=Complaint.Status.ASSIGNED)
        complaint_in(self.b1, status=Complaint.Status.CLOSED)
        overdue(self.b1)
        overdue(self.far)


@pytest.fixture
def area(world):
    return Area(world)


def scope_of(user, world, region=None):
    return Scope(user=user, city=world.city, year=TODAY.year, as_of=TODAY, region=region or world.city)


def test_support_is_counted_as_the_residents_selectors_count_it(world, area):
    section = voice.build(scope_of(world["city"], world))
    live = compound_support([area.a1, area.a2, area.b1, area.far])
    support = section.data["support"]
    assert (support["compounds"], support["surveyed"]) == (4, 3)
    assert support["meeting"] == sum(s.meets_threshold for s in live.values()) == 2
    assert support["passing"] == sum(s.passes for s in live.values()) == 2
    # 2 + 1 + 5 agreeing of 3 + 4 + 5 households
    assert section.data["support_rate"] == voice.rate(8, 12)
    assert section.chart["support"] == 66.67


def test_satisfaction_is_the_average_overall_score_as_the_results_page_counts_it(world, area):
    section = voice.build(scope_of(world["district"], world, region=world.district_a))
    results = campaign_results(area.campaign)
    assert section.data["satisfaction"].overall_average == results.total.overall_average
    assert section.chart["score"] == float(results.total.overall_average) == 3.67
    assert section.data["satisfaction"].distribution == (0, 1, 0, 1, 1)


def test_complaints_open_and_overdue_as_the_complaint_list_counts_them(world, area, client_for):
    section = voice.build(scope_of(world["city"], world))
    complaints = section.data["complaints"]
    assert complaints["overdue"] == overdue_count(world["city"]) == 2
    assert (complaints["open"], complaints["received"], complaints["assigned"]) == (4, 3, 1)
    page = client_for("city").get(complaints["overdue_url"])
    assert len(page.context["object_list"]) == 2


def test_a_district_user_sees_only_their_districts_residents(world, area):
    section = voice.build(scope_of(world["district"], world, region=world.district_a))
    complaints = section.data["complaints"]
    assert (complaints["open"], complaints["overdue"]) == (3, 1)
    assert section.data["support"]["compounds"] == 3
    assert section.data["satisfaction"].answered == 3  # 淄川区's two answers are not theirs


def test_a_street_drill_down_links_to_its_streets_complaints(world, area, client_for):
    section = voice.build(scope_of(world["city"], world, region=world.street_b))
    complaints = section.data["complaints"]
    assert (complaints["open"], complaints["overdue"]) == (1, 1)
    assert f"street={world.street_b.pk}" in complaints["overdue_url"]
    page = client_for("city").get(complaints["overdue_url"])
    assert [c.compound_id for c in page.context["object_list"]] == [area.b1.pk]


def test_users_who_read_no_surveys_see_no_voice(world, area):
    assert voice.build(scope_of(world["finance"], world)) is None


def test_a_street_clerk_never_reaches_the_dashboard(world, client_for):
    assert client_for("clerk_a").get(reverse("reports:dashboard")).status_code == 403


def test_the_dashboard_shows_no_residents_name_or_phone(world, area, client_for):
    page = client_for("leader").get(reverse("reports:dashboard"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="dash-voice"' in html
    for personal in ("王建国", "13812341234", "李秀英", "13912345678", "138****1234"):
        assert personal not in html


def assert_queries(scope, expected, django_assert_num_queries):
    voice.build(scope)  # the user's roles and area, read once per request
    with django_assert_num_queries(expected):
        voice.build(scope)


def test_voice_runs_four_queries_with_one_row_or_many(world, django_assert_num_queries):
    compound = compound_in(world.community_a)
    project_in(compound, plan_year=TODAY.year)
    surveyed(compound, 2, 1)
    assert_queries(scope_of(world["city"], world), 4, django_assert_num_queries)
    area = Area(world)
    satisfied(area.a2, Household.objects.filter(compound=area.a2), (3, 4, 5, 5))
    assert_queries(scope_of(world["city"], world), 4, django_assert_num_queries)
