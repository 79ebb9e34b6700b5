"""Synthetic residents for the synthetic projects (``generate_synthetic``: projects.demo.synthetic_apps).

Every compound in a project gets its households as rows, room by room of its buildings (≈ 2 million
at province scale), with names, phones, sizes, elderly and disabled members and tenants drawn as
the demo's are (residents.demo.people). Each project past its survey has a needs campaign over its
compounds, closed before the survey was finished: 70–93 % of the households agree and a few more answered
(a project still designing or declaring is now and then below the two-thirds threshold), they pick
items from the catalogue and say whether and how much they would contribute. A project at its
survey has its campaign open today, partly answered. A completed project has a satisfaction survey
of a sample of households (up to 20 per compound), scored 1–5 overall and per item category.
Completed projects' needs surveys are not on record (they were done on paper, before the portal).

On PostgreSQL the rows go in by COPY (bulk_create would take minutes for 2 million households);
on SQLite by ``executemany``. Primary keys are handed out here so answers can name their household
without reading them back. The same ``rng`` gives the same people.
"""

import datetime

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from projects.models import Building, Compound, ItemCategory, Project, ProjectCompound, RenovationItem

from .demo import people
from .models import (
    CategoryScore,
    Complaint,
    CompoundSupport,
    Contribution,
    Household,
    SurveyCampaign,
    SurveyResponse,
)
from .results.support import support_refresh

STAGES = list(Project.Stage)
SURVEY = STAGES.index(Project.Stage.SURVEY)
DECLARATION = STAGES.index(Project.Stage.DECLARATION)
ACCEPTANCE = STAGES.index(Project.Stage.ACCEPTANCE)
SUPPORT = (0.70, 0.93)  # households agreeing, over all of the compound's
BELOW_THRESHOLD = 0.06  # of the projects still designing or declaring: residents do not agree yet
BLOCKED = (0.45, 0.62)
SATISFACTION_SAMPLE = 20  # households asked per compound
FLUSH_ROWS = 200_000

Campaigns = SurveyCampaign.compounds.through
Wanted = SurveyResponse.wanted_items.through
MODELS = (Household, SurveyCampaign, Campaigns, SurveyResponse, Wanted, CategoryScore, CompoundSupport)


def build(*, cities, rng, today):
    """Households and survey answers for every project of ``cities``. Returns {what: how many}."""
    projects = list(
        Project.objects.filter(city__in=cities)
        .values("pk", "name", "stage", "region", "survey_completed_on", "completed_on")
        .order_by("pk")
    )
    compounds = {}
    for link in (
        ProjectCompound.objects.filter(project__city__in=cities)
        .values("project", "compound")
        .order_by("project", "compound")
    ):
        compounds.setdefault(link["project"], []).append(link["compound"])
    buildings = {}
    for row in (
        Building.objects.filter(compound__projects__city__in=cities)
        .values("pk", "compound", "storeys", "units", "household_count")
        .order_by("compound", "pk")
        .distinct()
    ):
        buildings.setdefault(row["compound"], []).append(row)
    items = people.wanted_items(dict(RenovationItem.objects.values_list("code", "pk")))
    categories = list(
        ItemCategory.objects.filter(optional=False).order_by("order", "pk").values_list("pk", flat=True)
    )
    writer = _Writer(rng, today, items, categories)
    for project in projects:
        writer.project(project, compounds.get(project["pk"], []), buildings)
    counts = writer.finish()
    support_refresh(Compound.objects.filter(city__in=cities).values_list("pk", flat=True))
    return counts


class _Writer:
    def __init__(self, rng, today, items, categories):
        self.rng, self.today, self.items, self.categories = rng, today, items, categories
        # One creation time for every row, adapted once (SQLite stores it as text).
        self.now = connection.ops.adapt_datetimefield_value(timezone.now())
        self.tables = {
            Household: _Table(
                Household,
                (
                    "id",
                    "created_at",
                    "updated_at",
                    "compound",
                    "building",
                    "unit",
                    "room",
                    "head_name",
                    "phone",
                    "size",
                    "has_elderly",
                    "has_disabled",
                    "tenure",
                    "note",
                ),
            ),
            SurveyCampaign: _Table(
                SurveyCampaign,
                (
                    "id",
                    "created_at",
                    "updated_at",
                    "kind",
                    "title",
                    "region",
                    "opens_on",
                    "closes_on",
                    "note",
                ),
            ),
            Campaigns: _Table(Campaigns, ("surveycampaign", "compound")),
            SurveyResponse: _Table(
                SurveyResponse,
                (
                    "id",
                    "created_at",
                    "updated_at",
                    "campaign",
                    "household",
                    "origin",
                    "answered_on",
                    "agrees",
                    "willing_to_contribute",
                    "contribution_amount",
                    "overall_score",
                    "comment",
                ),
            ),
            Wanted: _Table(Wanted, ("surveyresponse", "renovationitem")),
            CategoryScore: _Table(CategoryScore, ("response", "category", "score")),
        }
        self.ids = {model: _next_id(model) for model in (Household, SurveyCampaign, SurveyResponse)}
        self.counts = dict.fromkeys(self.tables, 0)
        self.waiting = 0

    def take(self, model):
        pk = self.ids[model]
        self.ids[model] += 1
        return pk

    def add(self, model, row):
        self.tables[model].rows.append(row)
        self.waiting += 1
        if self.waiting >= FLUSH_ROWS:
            self.flush()

    # --- one project ------------------------------------------------------------------------------

    def project(self, project, compounds, buildings):
        rng, now = self.rng, self.now
        households = {}
        for compound in compounds:
            rows = households[compound] = []
            for building in buildings.get(compound, ()):
                for unit, room in people.rooms(
                    building["storeys"], building["units"], building["household_count"]
                ):
                    pk = self.take(Household)
                    self.add(
                        Household,
                        (pk, now, now, compound, building["pk"], unit, room, *people.household(rng), ""),
                    )
                    rows.append(pk)
        stage = STAGES.index(project["stage"])
        if stage == SURVEY:  # under way: 20–60 % answered so far
            opens = self.today - datetime.timedelta(days=rng.randint(10, 40))
            closes = self.today + datetime.timedelta(days=rng.randint(15, 45))
            self.needs(project, households, opens, closes, support=(0.15, 0.55), blocked=False)
        elif stage < ACCEPTANCE:
            done = project["survey_completed_on"] or self.today - datetime.timedelta(days=200)
            closes = done - datetime.timedelta(days=rng.randint(3, 15))
            opens = closes - datetime.timedelta(days=rng.randint(20, 45))
            blocked = stage <= DECLARATION and rng.random() < BELOW_THRESHOLD
            self.needs(project, households, opens, closes, support=SUPPORT, blocked=blocked)
        elif project["completed_on"]:
            opens = min(self.today, project["completed_on"] + datetime.timedelta(days=rng.randint(20, 60)))
            self.satisfaction(project, households, opens, opens + datetime.timedelta(days=30))

    def campaign(self, project, kind, title, households, opens, closes):
        pk, now = self.take(SurveyCampaign), self.now
        self.add(SurveyCampaign, (pk, now, now, kind, title[:100], project["region"], opens, closes, ""))
        for compound in households:
            self.add(Campaigns, (pk, compound))
        return pk

    def day(self, opens, closes):
        last = min(closes, self.today)
        return opens + datetime.timedelta(days=self.rng.randint(0, max(0, (last - opens).days)))

    def needs(self, project, households, opens, closes, *, support, blocked):
        """Each compound's support (agreeing over all households) drawn from ``support``, its
        participation a little above; one compound of a ``blocked`` project below the threshold."""
        rng, now = self.rng, self.now
        campaign = self.campaign(project, "needs", f"{project['name']}需求调查", households, opens, closes)
        for number, rows in enumerate(households.values()):
            share = rng.uniform(*(BLOCKED if blocked and number == 0 else support))
            answered = min(len(rows), round(len(rows) * min(0.98, share + rng.uniform(0.02, 0.15))))
            agreeing = round(len(rows) * share)
            for index, household in enumerate(rng.sample(rows, answered)):
                origin, yes, wanted, willing, amount, comment = people.needs_answer(
                    rng, index < agreeing, self.items
                )
                pk = self.take(SurveyResponse)
                self.add(
                    SurveyResponse,
                    (
                        pk,
                        now,
                        now,
                        campaign,
                        household,
                        origin,
                        self.day(opens, closes),
                        yes,
                        willing,
                        amount,
                        None,
                        comment,
                    ),
                )
                for item in wanted:
                    self.add(Wanted, (pk, item))

    def satisfaction(self, project, households, opens, closes):
        rng, now = self.rng, self.now
        campaign = self.campaign(
            project, "satisfaction", f"{project['name']}满意度调查", households, opens, closes
        )
        for rows in households.values():
            for household in rng.sample(rows, min(len(rows), SATISFACTION_SAMPLE)):
                origin, overall, scores, comment = people.satisfaction_answer(rng, self.categories)
                pk = self.take(SurveyResponse)
                self.add(
                    SurveyResponse,
                    (
                        pk,
                        now,
                        now,
                        campaign,
                        household,
                        origin,
                        self.day(opens, closes),
                        "",
                        None,
                        None,
                        overall,
                        comment,
                    ),
                )
                for category, score in scores:
                    self.add(CategoryScore, (pk, category, score))

    # --- writing ----------------------------------------------------------------------------------

    def flush(self):
        for model, table in self.tables.items():
            self.counts[model] += len(table.rows)
            table.write()
        self.waiting = 0

    def finish(self):
        self.flush()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for model in self.ids:
                    table = model._meta.db_table
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"GREATEST((SELECT MAX(id) FROM {table}), 1))"
                    )
        counts = self.counts
        return {
            "household rows": counts[Household],
            "survey campaigns": counts[SurveyCampaign],
            "survey answers": counts[SurveyResponse],
            "items wanted": counts[Wanted],
            "satisfaction scores": counts[CategoryScore],
        }


def _next_id(model):
    """The first primary key this run hands out: above every row's and, on PostgreSQL, above
    what the sequence has given (rows deleted since keep their numbers)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        highest = cursor.fetchone()[0]
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id'))")
            highest = max(highest, cursor.fetchone()[0])
    return highest + 1


class _Table:
    """Rows of one table waiting to be written, as tuples in ``fields`` order."""

    def __init__(self, model, fields):
        self.table = model._meta.db_table
        self.columns = [model._meta.get_field(name).column for name in fields]
        self.rows = []

    def write(self):
        if not self.rows:
            return
        columns = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.copy(
                    f"COPY {connection.ops.quote_name(self.table)} ({columns}) FROM STDIN"
                ) as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(f"INSERT INTO {self.table} ({columns}) VALUES ({marks})", self.rows)
        self.rows = []


def delete(cities):
    """The residents of the projects of ``cities``, children first, by plain DELETE statements
    (Django's cascade would read two million households into memory first)."""
    households = Household.objects.filter(compound__city__in=cities)
    responses = SurveyResponse.objects.filter(household__in=households.values("pk"))
    campaigns = SurveyCampaign.objects.filter(
        pk__in=Campaigns.objects.filter(compound__city__in=cities).values("surveycampaign_id")
    )
    counts = {}
    counts["compounds' support"] = _raw(CompoundSupport.objects.filter(compound__city__in=cities))
    counts["satisfaction scores"] = _raw(CategoryScore.objects.filter(response__in=responses.values("pk")))
    counts["items wanted"] = _raw(Wanted.objects.filter(surveyresponse__in=responses.values("pk")))
    counts["survey answers"] = _raw(responses)
    counts["household contributions"] = _raw(
        Contribution.objects.filter(household__in=households.values("pk"))
    )
    campaign_ids = list(campaigns.values_list("pk", flat=True))
    _raw(Campaigns.objects.filter(surveycampaign__in=campaign_ids))
    counts["survey campaigns"] = _raw(SurveyCampaign.objects.filter(pk__in=campaign_ids))
    counts["household rows"] = _raw(households)
    areas = Q()
    for city in cities:
        areas |= Q(region__path__startswith=city.path)
    counts["complaints"] = _raw(Complaint.objects.filter(areas)) if areas else 0
    return counts


def _raw(queryset):
    return queryset._raw_delete(queryset.db) or 0
