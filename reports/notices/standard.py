"""The five notices of a renovation project, registered from ReportsConfig.ready():
改造公示 (the plan, posted for residents), 施工告知书 (construction), 项目批复 (approval, from the
approval flow), 竣工验收意见 (acceptance) and 资金拨付通知 (a released payment, from the ledger).

Each context builder reads the apps below through their selectors and returns plain text and
lists: what the document prints is frozen into the notice when its number is given.
"""

from collections import OrderedDict

from django.utils.translation import gettext_lazy as _

from approvals.models import ApprovalRequest, Flow, Record, Step
from approvals.selectors import recorded
from core.money import format_wan
from funding.models import Disbursement, FundingSource
from funding.selectors import balances_by_source
from org.models import Organisation, Region
from org.roles import CITY_STAFF, DISTRICT_STAFF
from projects.lifecycle.flows import requests_of
from projects.models import Project, ProjectItem
from reports.models import ProjectPublicPage
from reports.public.qr import absolute_public_url

from .chinese import amount_in_words, official_date
from .kinds import NoticeKind, register_notice_kind

S = Project.Stage
PUBLICITY = "publicity"
CONSTRUCTION = "construction"
APPROVAL = "approval"
ACCEPTANCE = "acceptance"
DISBURSEMENT = "disbursement"

SAFETY_NOTES = [
    "施工期间请勿进入围挡作业区域，看管好儿童，注意高空坠物。",
    "施工车辆进出时请注意避让，电动车、机动车请按临时指引停放。",
    "涉及停水、停电、停气的，施工单位将提前张贴通知，请提前做好准备。",
    "施工时间一般为7:00至12:00、14:00至20:00，高考、中考等特殊时段停止高噪声作业。",
    "对施工质量、安全文明施工有意见的，请向现场负责人或下列电话反映。",
]


def public_url_for(project):
    """The absolute address of the project's public page (reports.public) while it is published
    and PORTAL_URL names the portal's address; None otherwise, and the 公示 then names no address.
    With one, the 公示 prints it and its QR code (the template's ``qr_data_uri`` filter)."""
    page = ProjectPublicPage.objects.filter(project=project, is_published=True).first()
    return absolute_public_url(page) if page is not None else None


# --- Reads shared by the project kinds -----------------------------------------------------------


def _district_of(region):
    node = region
    while node is not None and node.level > Region.Level.DISTRICT:
        node = node.parent
    return node or region


def _compounds(project):
    return list(
        project.compounds.order_by("name").values("name", "address", "household_count", "building_count")
    )


def _items_by_category(project):
    """[{category, items: [text]}] in the catalogue's order."""
    groups = OrderedDict()
    rows = ProjectItem.objects.filter(project=project).select_related("item__category")
    for row in rows.order_by("item__category__order", "item__order", "item__code", "pk"):
        quantity = f"{row.quantity.normalize():f}"
        groups.setdefault(row.item.category.name, []).append(f"{row.item.name}{quantity}{row.item.unit}")
    return [{"category": name, "items": items} for name, items in groups.items()]


def _planned_by_source(project):
    """[{source, wan}] of the project's funding plan, and the total, in 万元."""
    balances = balances_by_source([project.pk])
    names = dict(FundingSource.objects.values_list("pk", "name"))
    order = list(FundingSource.objects.values_list("pk", flat=True))
    rows, total = [], 0
    for source_id in order:
        balance = balances.get((project.pk, source_id))
        if balance is None or not balance.planned:
            continue
        rows.append({"source": names[source_id], "wan": format_wan(balance.planned)})
        total += balance.planned
    return rows, format_wan(total) if rows else ""


def _project_facts(project):
    compounds = _compounds(project)
    return {
        "project": project.name,
        "project_code": project.code,
        "region": project.region.name,
        "district": _district_of(project.region).name,
        "compounds": [c["name"] for c in compounds],
        "addresses": [f"{c['name']}（{c['address']}）" if c["address"] else c["name"] for c in compounds],
        "households": sum(c["household_count"] or 0 for c in compounds),
        "buildings": sum(c["building_count"] or 0 for c in compounds),
        "implementing_entity": project.implementing_entity,
        "contractor": project.contractor,
        "supervisor": project.supervisor,
        "planned_start": official_date(project.planned_start),
        "planned_completion": official_date(project.planned_completion),
        "items": _items_by_category(project),
    }


def _approved_request(project, code):
    return (
        requests_of(project)
        .filter(flow__code=code, state=ApprovalRequest.State.APPROVED)
        .order_by("-pk")
        .first()
    )


def _opinions(request):
    """[{stage, organisation, opinion, date}] of the approvals of ``request``, in order."""
    if request is None:
        return []
    steps = request.steps.filter(action__in=(Step.Action.APPROVE, Step.Action.PASS)).select_related(
        "stage", "actor_organisation"
    )
    return [
        {
            "stage": step.stage.name if step.stage else "",
            "organisation": step.actor_organisation.name,
            "opinion": step.opinion or "同意。",
            "date": official_date(step.at.date()),
        }
        for step in steps.order_by("at", "pk")
    ]


def _to_implementer(project):
    return project.implementing_entity or f"{_district_of(project.region).name}住房和城乡建设局"


def _project_label(project):
    return project.name


def _as_project(project):
    """科苑街道加装电梯及管网改造 → 科苑街道加装电梯及管网改造项目, as a title names it."""
    return project.name if project.name.endswith("项目") else f"{project.name}项目"


# --- 改造公示 ---------------------------------------------------------------------------------------


def publicity_context(project, notice):
    planned, planned_total = _planned_by_source(project)
    url = public_url_for(project)
    return {
        **_project_facts(project),
        "planned": planned,
        "planned_total": planned_total,
        "public_url": url or "",
        "publicity_days": 7,
    }


def publicity_title(project):
    return f"关于{_as_project(project)}的公示"


# --- 施工告知书 -------------------------------------------------------------------------------------


def construction_context(project, notice):
    return {
        **_project_facts(project),
        "safety_notes": SAFETY_NOTES,
        "started_on": official_date(project.started_on),
    }


def construction_title(project):
    return f"{_as_project(project)}施工告知书"


# --- 项目批复 ---------------------------------------------------------------------------------------


def approval_context(project, notice):
    request = _approved_request(project, Flow.Code.PROJECT_APPROVAL)
    estimated = ProjectItem.objects.filter(project=project).values_list("estimated_cost", flat=True)
    total = sum(cost for cost in estimated if cost is not None)
    planned, planned_total = _planned_by_source(project)
    return {
        **_project_facts(project),
        "approved_on": official_date(project.approved_on),
        "approval_body": project.approval_body,
        "approval_number": project.approval_number
        or (recorded(request, Record.DOCUMENT_NUMBER) if request else ""),
        "opinions": _opinions(request),
        "estimated_wan": format_wan(total) if estimated else "",
        "planned": planned,
        "planned_total": planned_total,
    }


def approval_title(project):
    return f"关于{_as_project(project)}的批复"


# --- 竣工验收意见 -----------------------------------------------------------------------------------


def acceptance_context(project, notice):
    request = _approved_request(project, Flow.Code.COMPLETION_ACCEPTANCE)
    return {
        **_project_facts(project),
        "completed_on": official_date(project.completed_on),
        "accepted_on": official_date(project.accepted_on),
        "representatives": recorded(request, Record.REPRESENTATIVES) if request else "",
        "opinions": _opinions(request),
    }


def acceptance_title(project):
    return f"关于{_as_project(project)}竣工验收的意见"


# --- 资金拨付通知 -----------------------------------------------------------------------------------


def disbursement_context(disbursement, notice):
    project = disbursement.project
    return {
        "project": project.name,
        "district": _district_of(project.region).name,
        "compounds": [c["name"] for c in _compounds(project)],
        "source": _money_of(disbursement.source),
        "amount_wan": format_wan(disbursement.amount),
        "amount_words": amount_in_words(disbursement.amount),
        "payee": disbursement.payee,
        "purpose": disbursement.purpose,
        "paid_on": official_date(disbursement.paid_on),
        "voucher_number": disbursement.voucher_number,
    }


def _money_of(source):
    """市级财政资金 stays as it is; 社会资本 reads 社会资本资金."""
    return source.name if source.name.endswith("资金") else f"{source.name}资金"


def disbursement_title(disbursement):
    return f"关于拨付{disbursement.project.name}{_money_of(disbursement.source)}的通知"


def disbursement_label(disbursement):
    return f"{disbursement.project.name}：{format_wan(disbursement.amount)}万元（{disbursement.source.name}）"


def _released(queryset):
    return queryset.filter(state=Disbursement.State.RELEASED, reverses__isnull=True, reversal__isnull=True)


def register():
    project_kinds = (
        NoticeKind(
            code=PUBLICITY, label=_("renovation publicity notice"), subject_model=Project,
            template="reports/notices/pdf/kinds/publicity.html", context=publicity_context, title=publicity_title,
            region=lambda p: p.region, addressee=lambda p: f"{'、'.join(c['name'] for c in _compounds(p))}全体居民",
            eligible=lambda qs: qs.filter(stage__in=(S.DESIGN, S.DECLARATION, S.REVIEW, S.PROCUREMENT, S.CONSTRUCTION)),
            roles=(CITY_STAFF, DISTRICT_STAFF), issuer_kinds=(Organisation.Kind.DISTRICT_BUREAU, Organisation.Kind.CITY_BUREAU),
            batch=True, subject_label=_project_label,
        ),
        NoticeKind(
            code=CONSTRUCTION, label=_("construction notice"), subject_model=Project,
            template="reports/notices/pdf/kinds/construction.html", context=construction_context,
            title=construction_title, region=lambda p: p.region,
            addressee=lambda p: f"{'、'.join(c['name'] for c in _compounds(p))}居民朋友们",
            eligible=lambda qs: qs.filter(stage__in=(S.PROCUREMENT, S.CONSTRUCTION)),
            roles=(CITY_STAFF, DISTRICT_STAFF), issuer_kinds=(Organisation.Kind.DISTRICT_BUREAU, Organisation.Kind.CITY_BUREAU),
            batch=True, subject_label=_project_label,
        ),
        NoticeKind(
            code=APPROVAL, label=_("project approval"), subject_model=Project,
            template="reports/notices/pdf/kinds/approval.html", context=approval_context, title=approval_title,
            region=lambda p: p.region, addressee=_to_implementer,
            eligible=lambda qs: qs.filter(approved_on__isnull=False), roles=(CITY_STAFF,),
            issuer_kinds=(Organisation.Kind.CITY_BUREAU,), subject_label=_project_label,
        ),
        NoticeKind(
            code=ACCEPTANCE, label=_("completion acceptance opinion"), subject_model=Project,
            template="reports/notices/pdf/kinds/acceptance.html", context=acceptance_context, title=acceptance_title,
            region=lambda p: p.region, addressee=_to_implementer,
            eligible=lambda qs: qs.filter(accepted_on__isnull=False), roles=(CITY_STAFF,),
            issuer_kinds=(Organisation.Kind.CITY_BUREAU,), subject_label=_project_label,
        ),
        NoticeKind(
            code=DISBURSEMENT, label=_("disbursement notice"), subject_model=Disbursement,
            template="reports/notices/pdf/kinds/disbursement.html", context=disbursement_context,
            title=disbursement_title, region=lambda d: d.project.region,
            addressee=lambda d: f"{_district_of(d.project.region).name}财政局、{_district_of(d.project.region).name}住房和城乡建设局",
            eligible=_released, roles=(CITY_STAFF,), issuer_kinds=(Organisation.Kind.FINANCE,),
            subject_label=disbursement_label,
        ),
    )  # fmt: skip
    for kind in project_kinds:
        register_notice_kind(kind)
