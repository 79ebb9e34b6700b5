"""Issuers, and a project or payment ready for each kind of notice."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps

from approvals.models import ApprovalRequest
from approvals.seeding import seed_city_flows
from approvals.services import request_approve
from funding.models import Disbursement, FundingSource
from funding.services import disbursement_request, plan_line_save, receipt_record
from org.models import Organisation
from projects.models import Project, ProjectItem
from reports.models import NoticeIssuer
from tests.factories import compound_in, project_in, renovation_item

DAY = datetime.date(2026, 5, 10)


def wan(figure):
    return Decimal(str(figure)) * 10000


@pytest.fixture
def issuers(world):
    def make(organisation, abbreviation, header):
        return NoticeIssuer.objects.create(
            organisation=Organisation.objects.get(name=organisation), abbreviation=abbreviation,
            header=header, signature=organisation,
        )  # fmt: skip

    return {
        "city": make("淄博市住房和城乡建设局", "淄建", "淄博市住房和城乡建设局文件"),
        "finance": make("淄博市财政局", "淄财", "淄博市财政局文件"),
        "district": make("张店区住房和城乡建设局", "张建", "张店区住房和城乡建设局文件"),
    }


@pytest.fixture
def sources(db):
    if not FundingSource.objects.exists():  # a transactional test emptied the tables migrations filled
        importlib.import_module("funding.migrations.0002_the_funding_sources").add_sources(apps, None)
    return {source.code: source for source in FundingSource.objects.all()}


def with_items(project):
    ProjectItem.objects.create(
        project=project, item=renovation_item(name="雨污分流改造", unit="米"), quantity=Decimal("850"),
        estimated_cost=wan(120), payer="government",
    )  # fmt: skip
    ProjectItem.objects.create(
        project=project, item=renovation_item(name="加装电梯", unit="部"), quantity=Decimal("2"),
        estimated_cost=wan(90), payer="government",
    )  # fmt: skip
    return project


@pytest.fixture
def building(world):
    """A project of 车站街道 under construction, with its contractor and items."""
    project = project_in(
        compound_in(world.community_a, name="华光路小区", address="华光路12号"), stage="construction",
        name="华光路小区改造项目", contractor="淄博建工集团有限公司", supervisor="山东正信监理有限公司",
        implementing_entity="张店区车站街道办事处", planned_start=datetime.date(2026, 4, 1),
        planned_completion=datetime.date(2026, 10, 31),
    )  # fmt: skip
    return with_items(project)


@pytest.fixture
def approved(world, building):
    Project.objects.filter(pk=building.pk).update(
        approved_on=datetime.date(2026, 3, 15), approval_body="淄博市住房和城乡建设局", approval_number="淄建发〔2026〕7号"
    )  # fmt: skip
    building.refresh_from_db()
    return building


@pytest.fixture
def accepted(world):
    project = project_in(
        compound_in(world.community_b, name="公园小区"), stage="handover", name="公园小区改造项目"
    )
    Project.objects.filter(pk=project.pk).update(
        completed_on=datetime.date(2026, 9, 20), accepted_on=datetime.date(2026, 10, 8)
    )
    project.refresh_from_db()
    return with_items(project)


@pytest.fixture
def payment(world, building, sources):
    """A released payment of 40 万 from the city budget, voucher 记-2026-0001."""
    seed_city_flows(world.city)
    city = sources["city_budget"]
    plan_line_save(actor=world["city"], project=building, source=city, year=2026, amount=wan(100))
    receipt_record(
        actor=world["finance"], project=building, source=city, amount=wan(60), received_on=DAY,
        document_number="淄财建〔2026〕8号",
    )  # fmt: skip
    disbursement = disbursement_request(
        actor=world["district"], project=building, source=city, amount=wan("40.5"), payee="淄博建工集团有限公司",
        purpose="首期工程款", idempotency_key="notice-payment",
    )  # fmt: skip
    request = ApprovalRequest.objects.get(object_id=str(disbursement.pk), flow__code="disbursement")
    request_approve(
        request=request, actor=world["finance"], record="记-2026-0001", expected_stage=request.current_stage,
        expected_round=request.round,
    )  # fmt: skip
    return Disbursement.objects.get(pk=disbursement.pk)


@pytest.fixture
def eager_tasks():
    from config.celery import app as celery_app

    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous
