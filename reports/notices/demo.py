"""The notices of the demo city (reports.demo runs ``seed`` after the monthly reports): the issuers
淄建 (the city's housing bureau), 淄财 (its finance bureau) and 张建 (张店区's housing bureau), and a
notice of each kind in the register, in date order, with their PDFs, plus one voided. Safe to run
again: a city that has notices keeps them."""

import datetime

from django.utils import timezone

from funding.models import Disbursement
from org.models import Organisation, User
from projects.models import Project
from reports.models import Notice, NoticeIssuer

from . import rendering
from .services import notice_issue, notice_void
from .standard import ACCEPTANCE, APPROVAL, CONSTRUCTION, DISBURSEMENT, PUBLICITY

ISSUERS = (
    ("淄博市住房和城乡建设局", "淄建", "淄博市住房和城乡建设局文件"),
    ("淄博市财政局", "淄财", "淄博市财政局文件"),
    ("张店区住房和城乡建设局", "张建", "张店区住房和城乡建设局文件"),
)
CITY_CONTACT = "城市更新科 王建国 0533-3182345"
DISTRICT_CONTACT = "张店区住建局城建科 李敏 0533-2286110"


def seed_issuers():
    issuers = {}
    for organisation_name, abbreviation, header in ISSUERS:
        organisation = Organisation.objects.filter(name=organisation_name).first()
        if organisation is None:
            continue
        issuers[abbreviation], _created = NoticeIssuer.objects.get_or_create(
            abbreviation=abbreviation,
            defaults={"organisation": organisation, "header": header, "signature": organisation_name},
        )
    return issuers


def seed_notices(context=None, *, admin=None, district=None):
    """The demo's notices, issued by ``admin`` (city staff; the demo's city_admin) and ``district``
    (district staff; district_staff); returns them, or [] when the register has notices already."""
    issuers = seed_issuers()
    admin = admin or User.objects.filter(username="city_admin").first()
    district = district or User.objects.filter(username="district_staff").first()
    if admin is None or Notice.objects.exists() or len(issuers) < len(ISSUERS):
        return []
    today = timezone.localdate()
    projects = Project.objects.select_related("region")
    payments = Disbursement.objects.filter(
        state=Disbursement.State.RELEASED, reverses__isnull=True, reversal__isnull=True
    ).select_related("project", "source")
    planned = []  # (date, kind, subject, issuer, user, contact)

    accepted = projects.filter(accepted_on__isnull=False).order_by("-accepted_on").first()
    if accepted is not None:
        planned.append((accepted.accepted_on, ACCEPTANCE, accepted, "淄建", admin, CITY_CONTACT))
    building = projects.filter(stage=Project.Stage.CONSTRUCTION, approved_on__isnull=False).first()
    if building is not None:
        planned.append((building.approved_on, APPROVAL, building, "淄建", admin, CITY_CONTACT))
        payment = payments.filter(project=building).order_by("paid_on", "pk").first()
        if payment is not None and payment.paid_on:
            planned.append((payment.paid_on, DISBURSEMENT, payment, "淄财", admin, CITY_CONTACT))
        start = (building.started_on or building.approved_on) + datetime.timedelta(days=5)
        planned.append((min(start, today), CONSTRUCTION, building, "张建", district, DISTRICT_CONTACT))
    # A project of the district user's own district, in review: its plan is posted for residents.
    district_path = district.organisation.region.path if district and district.organisation_id else None
    reviewed = (
        district_path
        and projects.filter(stage=Project.Stage.REVIEW, region__path__startswith=district_path).first()
    )
    if reviewed:
        planned.append(
            (today - datetime.timedelta(days=10), PUBLICITY, reviewed, "张建", district, DISTRICT_CONTACT)
        )
    procuring = projects.filter(stage=Project.Stage.PROCUREMENT).first()
    if procuring is not None:
        planned.append(
            (today - datetime.timedelta(days=20), CONSTRUCTION, procuring, "淄建", admin, CITY_CONTACT)
        )

    issued = []
    for issued_on, kind, subject, abbreviation, user, contact in sorted(planned, key=lambda row: row[0]):
        if user is None:
            continue
        notice = notice_issue(
            kind=kind, subject=subject, issuer=issuers[abbreviation], user=user, issued_on=issued_on,
            contact=contact, render=False,
        )  # fmt: skip
        issued.append(notice)
    # The city's construction notice of a project still in procurement went out too early: voided.
    for notice in issued:
        if notice.kind == CONSTRUCTION and notice.issuer.abbreviation == "淄建":
            reason = "施工单位尚未确定，通知发出过早，待招标完成后重新发文"
            notice_void(notice=notice, user=admin, reason=reason, render=False)  # rendered below
    # Rendered here rather than by jobs: seed_demo ends before a job's thread would.
    for notice in issued:
        rendering.run_item(None, str(notice.pk))
    if context is not None:
        for notice in issued:
            context.stdout.write(f"公文：{notice.number} {notice.title}")
    return issued


seed = seed_notices
