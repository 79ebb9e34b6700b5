"""Small factories. The region tree is the demo fixture's, so tests and the demo agree."""

import datetime
from dataclasses import dataclass
from itertools import count

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile

from core.models import ImportBatch
from org.demo import build_regions, load_fixture
from org.models import Organisation, Region, User
from org.roles import AUDITOR, CITY_STAFF, DEPT_REVIEWER, DISTRICT_STAFF, LEADER, STREET_CLERK, SYSADMIN

PASSWORD = "Test#Pass2026"


def make_user(username, organisation, *roles, is_staff=False, **fields):
    user = User.objects.create_user(
        username=username, password=PASSWORD, organisation=organisation, is_staff=is_staff, **fields
    )
    user.groups.set(Group.objects.filter(name__in=roles))
    return user


def region(name, parent=None):
    queryset = Region.objects.filter(name=name)
    if parent is not None:
        queryset = queryset.filter(parent=parent)
    return queryset.get()


@dataclass
class World:
    """The demo city's regions and organisations, plus the personas that act in it."""

    city: object
    district_a: object  # 张店区
    district_b: object  # 淄川区
    street_a: object  # 车站街道 (张店区)
    street_b: object  # 公园街道 (张店区)
    community_a: object  # 华光路社区 (车站街道)
    community_b: object  # 公园社区 (公园街道)
    personas: dict

    def __getitem__(self, name):
        return self.personas[name]


PERSONAS = ("anonymous", "clerk_a", "clerk_b", "district", "city", "finance", "leader", "auditor", "sysadmin")
# persona → (organisation, roles, extra fields)
PERSONA_ACCOUNTS = {
    "clerk_a": ("张店区车站街道办事处", (STREET_CLERK,), {"last_name": "张", "first_name": "丽"}),
    "clerk_b": ("张店区公园街道办事处", (STREET_CLERK,), {}),
    "district": ("张店区住房和城乡建设局", (DISTRICT_STAFF,), {}),
    "city": ("淄博市住房和城乡建设局", (CITY_STAFF,), {}),
    "finance": ("淄博市财政局", (DEPT_REVIEWER,), {}),
    "leader": ("淄博市城镇老旧小区改造工作领导小组", (LEADER,), {}),
    "auditor": ("淄博市审计局", (AUDITOR,), {}),
    "sysadmin": ("淄博市住房和城乡建设局", (SYSADMIN,), {"is_staff": True}),
}
CITY_CODE = "370300"


def build_world():
    """The demo city's region tree and the personas' accounts, saved (once per test session)."""
    build_regions(load_fixture())
    organisations = {
        o.name: o for o in Organisation.objects.filter(name__in={a[0] for a in PERSONA_ACCOUNTS.values()})
    }
    for username, (organisation, roles, fields) in PERSONA_ACCOUNTS.items():
        make_user(username, organisations[organisation], *roles, **fields)


def load_world():
    """The world as saved, read afresh for each test (users carry per-request caches of their
    permissions and scope, which must not leak from one test to the next). A transactional test
    empties the database when it ends; the next one to ask builds the world again."""
    if not Region.objects.filter(code=CITY_CODE).exists():
        build_world()
    regions = {
        (r.name, r.parent.name if r.parent else None): r
        for r in Region.objects.filter(
            name__in=("淄博市", "张店区", "淄川区", "车站街道", "公园街道", "华光路社区", "公园社区")
        ).select_related("parent")
    }
    users = {u.username: u for u in User.objects.filter(username__in=PERSONA_ACCOUNTS)}
    return World(
        city=regions[("淄博市", "山东省")],
        district_a=regions[("张店区", "淄博市")],
        district_b=regions[("淄川区", "淄博市")],
        street_a=regions[("车站街道", "张店区")],
        street_b=regions[("公园街道", "张店区")],
        community_a=regions[("华光路社区", "车站街道")],
        community_b=regions[("公园社区", "公园街道")],
        personas={"anonymous": None, **{name: users[name] for name in PERSONA_ACCOUNTS}},
    )


_serial = count(1)


def compound_in(community, **fields):
    """A compound saved directly (services are tested on their own)."""
    from projects.models import Compound
    from projects.registry.hooks import compounds_changed

    n = next(_serial)
    city = Region.objects.get(code=community.path.split("/")[1])
    values = {
        "name": f"测试小区{n}", "code": f"T-{n:05d}", "year_built": 1995, "floor_area": "12000.00",
        "building_count": 4, "household_count": 120, "city": city, "community": community,
    }  # fmt: skip
    values.update(fields)
    compound = Compound.objects.create(**values)
    compounds_changed([compound.pk])  # what the apps above keep per compound follows, as services do
    return compound


def import_batch(user, kind="compounds", content=None, name="upload.xlsx", **fields):
    from core.spreadsheets import write_xlsx

    content = content or write_xlsx(["小区名称"], [["华光路小区"]])
    batch = ImportBatch(kind=kind, created_by=user, original_name=name, **fields)
    batch.file.save(name, ContentFile(content), save=False)
    batch.save()
    return batch


def renovation_item(**fields):
    from projects.models import ItemCategory, RenovationItem

    n = next(_serial)
    category, _created = ItemCategory.objects.get_or_create(
        code="basic", defaults={"name": "基础类", "rule": "应改尽改"}
    )
    values = {"category": category, "code": f"test_item_{n}", "name": f"测试改造内容{n}", "unit": "处"}
    values.update(fields)
    return RenovationItem.objects.create(**values)


def project_in(*compounds, stage=None, **fields):
    """A project over ``compounds`` saved directly, at ``stage`` (services are tested on their own)."""
    from projects.lifecycle.services import smallest_common_region
    from projects.models import Project, ProjectCompound

    n = next(_serial)
    region = smallest_common_region(compounds)
    values = {"name": f"测试项目{n}", "city": compounds[0].city, "region": region, "plan_year": 2026}
    values.update(fields)
    project = Project.objects.create(**values)
    if stage:
        Project.objects.filter(pk=project.pk).update(stage=stage)
        project.refresh_from_db()
    ProjectCompound.objects.bulk_create([ProjectCompound(project=project, compound=c) for c in compounds])
    return project


def finding_in(project, *, severity="general", deadline=None, **fields):
    """An inspection of ``project`` with one open finding."""
    from projects.models import Finding, Inspection

    inspection = Inspection.objects.create(
        project=project, inspected_on=datetime.date(2026, 6, 1), inspector="市住建局督导组"
    )
    return Finding.objects.create(
        inspection=inspection,
        description=fields.pop("description", "楼道堆物未清理"),
        severity=severity,
        deadline=deadline or datetime.date(2026, 7, 1),
        **fields,
    )


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def attachment_in(project, user, *, kind="plan", name="改造方案.pdf", content=PDF_BYTES, **fields):
    from projects.models import Attachment

    attachment = Attachment(
        project=project, kind=kind, filename=name, size=len(content), uploaded_by=user, **fields
    )
    attachment.file.save(name, ContentFile(content), save=False)
    attachment.save()
    return attachment


ZIBO_POLICY = {
    "title": "淄博市深入推进城镇老旧小区改造实施方案",
    "document_number": "淄政办字〔2020〕49号",
    "effective_from": datetime.date(2020, 5, 11),
}
ZIBO_RULES = {"built_before": datetime.date(2005, 12, 31)}


def city_policy(city, **fields):
    """淄博's policy (compounds built by 2005-12-31 are eligible) for ``city``, or another given by
    ``fields`` (document fields and project rules alike); saved directly, without the
    recomputations its service starts. Returns its project rules; ``.policy`` is the document."""
    from org.models import CityPolicy
    from projects.models import ProjectPolicy

    document = {**ZIBO_POLICY, **{k: fields.pop(k) for k in list(fields) if k in ZIBO_POLICY}}
    policy, _created = CityPolicy.objects.get_or_create(
        city=city, effective_from=document.pop("effective_from"), defaults=document
    )
    rules, _created = ProjectPolicy.objects.update_or_create(policy=policy, defaults={**ZIBO_RULES, **fields})
    return rules
