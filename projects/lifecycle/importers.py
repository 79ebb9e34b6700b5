"""Spreadsheet import and export of renovation projects and their items (import_data
projects|project_items).

The rules are those of project_services and work_services (a project's area is the smallest
region holding its compounds, which lie in one city; a project code is unique in its city; an item
appears once per project; retired items are not added; a closed project's items do not change),
plus one of imports: a row may not make a project whose area reaches beyond the user's. They are
checked against lookups loaded once per file, as the compound importer does, so the number of
queries does not grow with the rows (but for the batches of the bulk statements). A column left
out of the file leaves its field as it is; an empty cell of a column in the file empties the field.
"""

import datetime
import re
from decimal import Decimal
from functools import partial

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import bulk_audit
from core.importing import CellError, Column, Importer, decimal, integer, register_importer, text
from core.models import AuditEntry
from org.models import CityPolicy, Region
from projects.models import Compound, Project, ProjectCompound, RenovationItem

from .schedule import schedule_refresh
from .services import PROJECT_EDITABLE, common_path, project_area

# Fixed Chinese words, whatever language the user reads the site in: files travel between offices.
PROJECT_POOL = {
    "储备": Project.Pool.RESERVE,
    "谋划": Project.Pool.PLANNING,
    "实施": Project.Pool.IMPLEMENTATION,
}
PAYER = {
    "财政资金": RenovationItem.Payer.GOVERNMENT,
    "地方财政预算": RenovationItem.Payer.LOCAL_BUDGET,
    "居民": RenovationItem.Payer.RESIDENTS,
    "专营单位": RenovationItem.Payer.UTILITY,
    "产权单位": RenovationItem.Payer.OWNER,
    "通信运营企业": RenovationItem.Payer.OPERATORS,
    "多方共担": RenovationItem.Payer.MIXED,
}
CODE_SEPARATORS = re.compile(r"[、,，;；]")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y-%m-%d %H:%M:%S")
FIRST_PLAN_YEAR, LAST_PLAN_YEAR = 2000, 2100
LOOKUP_CHUNK = 5000  # primary keys per IN (...) list


def date(value):
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):  # an Excel date cell
        return value.date()
    if isinstance(value, datetime.date):
        return value
    written = text(value)
    for date_format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(written, date_format).date()
        except ValueError:
            continue
    raise CellError(_("“%(value)s” is not a date; write it as 2026-03-31.") % {"value": written})


def plan_year(value):
    return integer(value, minimum=FIRST_PLAN_YEAR, maximum=LAST_PLAN_YEAR)


def compound_codes(value):
    """“ZD-001、ZD-002” → ("ZD-001", "ZD-002"): the compounds of a project, several for a bundle."""
    codes = tuple(dict.fromkeys(c.strip() for c in CODE_SEPARATORS.split(text(value)) if c.strip()))
    if not codes:
        raise CellError(_("Give at least one compound code."))
    return codes


MONEY = partial(decimal, minimum=0, maximum=Decimal("999999999999.99"))


def _by(rows, key):
    index = {}
    for row in rows:
        index.setdefault(row[key], []).append(row)
    return index


def _chunks(values):
    values = list(values)
    for start in range(0, len(values), LOOKUP_CHUNK):
        yield values[start : start + LOOKUP_CHUNK]


def _text(value):
    return None if value in (None, "") else str(value)


def _in_scope(user, path):
    paths = user.get_scope_paths()
    return paths is None or any(path.startswith(p) for p in paths)


@register_importer
class ProjectImporter(Importer):
    kind = "projects"
    label = gettext_lazy("renovation projects")
    model = Project
    columns = (
        Column("项目编号", "code", parse=partial(text, max_length=40), example="ZD-2026-01",
               help=gettext_lazy("Unique in the city. An existing code updates that project; a new one "
                                 "creates a project. Empty: the project is found by its name.")),
        Column("项目名称", "name", required=True, parse=partial(text, max_length=150),
               example="车站街道华光路片区老旧小区改造项目", width=30),
        Column("计划年度", "plan_year", parse=plan_year, example=2026),
        Column("项目库", "pool", choices=PROJECT_POOL, example="储备"),
        Column("实施主体", "implementing_entity", parse=partial(text, max_length=100), example="车站街道办事处",
               width=20),
        Column("设计单位", "designer", parse=partial(text, max_length=100), width=20),
        Column("施工单位", "contractor", parse=partial(text, max_length=100), width=20),
        Column("监理单位", "supervisor", parse=partial(text, max_length=100), width=20),
        Column("计划开工", "planned_start", parse=date, example="2026-04-01"),
        Column("计划完工", "planned_completion", parse=date, example="2026-10-31"),
        Column("小区编号", "compounds", required=True, parse=compound_codes, example="ZD-CZ-001、ZD-CZ-002",
               width=30, help=gettext_lazy("The codes of the project's compounds, separated by 、 for a "
                                           "bundled project.")),
    )  # fmt: skip

    def compound_lookup(self):
        """Code → compounds, and name → compounds without a code, of the compounds the user may use."""
        rows = list(
            Compound.objects.restrict(self.user)
            .order_by()
            .values("pk", "code", "name", "city_id", "community__path")
        )
        return _by([r for r in rows if r["code"]], "code"), _by([r for r in rows if not r["code"]], "name")

    def resolve_compounds(self, number, codes, by_code, by_name, report):
        """The compounds a row names, all of one city, or None with the errors reported."""
        found, header = [], "小区编号"
        for code in codes:
            matches = by_code.get(code) or by_name.get(code) or []
            if len(matches) != 1:
                message = (
                    _("Several compounds in your area go by “%(code)s”.")
                    if matches
                    else _("No compound with the code “%(code)s” in your area.")
                )
                report.add_error(number, header, message % {"code": code})
                return None
            found.append(matches[0])
        if len({c["city_id"] for c in found}) > 1:
            report.add_error(number, header, _("The compounds of one project must lie in one city."))
            return None
        return found

    def plan(self, rows, report):
        by_code, by_name = self.compound_lookup()
        resolved = []
        for number, values in rows:
            found = self.resolve_compounds(number, values["compounds"], by_code, by_name, report)
            if found is not None:
                resolved.append((number, values, found))
        cities = {found[0]["city_id"] for _n, _v, found in resolved}
        paths = {common_path([c["community__path"] for c in found]) for _n, _v, found in resolved}
        regions = {}
        # The regions of the whole file in one query (project_services.smallest_common_region reads one).
        for region in Region.objects.filter(path__in=paths - {None}).select_related("parent"):
            regions[region.path] = project_area(region)
        existing = {
            p["pk"]: p
            for p in Project.objects.filter(city_id__in=cities)
            .order_by()
            .values("pk", "city_id", "region_id", *PROJECT_EDITABLE)
        }
        editable = set(
            Project.objects.restrict(self.user, "change")
            .filter(city_id__in=cities)
            .values_list("pk", flat=True)
        )
        links = {}
        for link in ProjectCompound.objects.filter(project__city_id__in=cities).values(
            "pk", "project_id", "compound_id", "compound__name"
        ):
            links.setdefault(link["project_id"], {})[link["compound_id"]] = link
        by_project_code = {(p["city_id"], p["code"]): pk for pk, p in existing.items() if p["code"]}
        by_project_name = {}
        for pk, p in existing.items():
            if not p["code"] and pk in editable:  # one outside the user's area is not theirs to match
                by_project_name.setdefault((p["city_id"], p["name"]), []).append(pk)
        # A city without a policy gets an empty one: schedule_refresh() given None would look it up
        # again for every row.
        policies = {city: CityPolicy.in_force(city) or CityPolicy() for city in cities}

        creates, updates, seen = [], [], {}
        for number, values, found in resolved:
            city = found[0]["city_id"]
            code = values.get("code") or ""
            key = ("code", city, code) if code else ("name", city, values["name"])
            column = "项目编号" if code else "项目名称"
            if key in seen:
                report.add_error(number, column, _("Same project as row %(row)d.") % {"row": seen[key]})
                continue
            seen[key] = number
            if code:
                match = by_project_code.get((city, code))
                if match is not None and match not in editable:
                    report.add_error(number, column, _("This code belongs to a project outside your area."))
                    continue
            else:
                matches = by_project_name.get(key[1:], [])
                if len(matches) > 1:
                    report.add_error(
                        number,
                        column,
                        _("Several projects of the city have this name; give the project code."),
                    )
                    continue
                match = matches[0] if matches else None
            region = regions.get(common_path([c["community__path"] for c in found]))
            if region is None or region.level < Region.Level.CITY:
                report.add_error(number, "小区编号", _("The compounds of one project must lie in one city."))
                continue
            if not _in_scope(self.user, region.path):
                report.add_error(
                    number, "小区编号",
                    _("Together these compounds make a project of %(region)s, outside your area.")
                    % {"region": region.name},
                )  # fmt: skip
                continue
            data = {k: values[k] for k in PROJECT_EDITABLE if k in values}
            if not data.get("pool"):
                data.pop("pool", None)  # an empty pool: 储备 for a new project, unchanged for another
            compounds = {c["pk"]: c["name"] for c in found}
            if match is None:
                report.new += 1
                creates.append((data, city, region, compounds, policies[city]))
                continue
            old = existing[match]
            changed = {k: v for k, v in data.items() if old[k] != v}
            old_compounds = {pk: link["compound__name"] for pk, link in links.get(match, {}).items()}
            if changed or compounds.keys() != old_compounds.keys() or region.pk != old["region_id"]:
                report.updated += 1
                updates.append((match, old, changed, region, compounds, old_compounds, links.get(match, {})))
            else:
                report.unchanged += 1
        return creates, updates, policies

    def save(self, plan, report):
        creates, updates, policies = plan
        audit, paths = [], []
        new_projects = []
        for data, city, region, _compounds, policy in creates:
            project = Project(**data, city_id=city, region=region)
            schedule_refresh(project, policy)
            new_projects.append(project)
        Project.objects.bulk_create(new_projects, batch_size=1000)
        new_links = []
        for project, (data, _city, region, compounds, _policy) in zip(new_projects, creates, strict=True):
            new_links += [ProjectCompound(project=project, compound_id=pk) for pk in compounds]
            changes = {k: str(v) for k, v in data.items() if v not in ("", None)}
            audit.append(
                (project, AuditEntry.Action.IMPORT, {**changes, "compounds": sorted(compounds.values())})
            )
            paths.append(region.path)

        removed_links = []
        if updates:
            objects = {}
            for pks in _chunks(pk for pk, *_rest in updates):
                objects.update(Project.objects.select_for_update(of=("self",)).order_by().in_bulk(pks))
            touched, now = set(), timezone.now()
            for pk, old, changed, region, compounds, old_compounds, links in updates:
                project = objects[pk]
                for field, value in changed.items():
                    setattr(project, field, value)
                    touched.add(field)
                project.region, project.updated_at = region, now
                schedule_refresh(project, policies[project.city_id])  # the plan year dates the calendar
                changes = {k: [_text(old[k]), _text(v)] for k, v in changed.items()}
                if compounds.keys() != old_compounds.keys():
                    changes["compounds"] = [sorted(old_compounds.values()), sorted(compounds.values())]
                    removed_links += [link["pk"] for c, link in links.items() if c not in compounds]
                    new_links += [
                        ProjectCompound(project=project, compound_id=c) for c in compounds if c not in links
                    ]
                if region.pk != old["region_id"]:
                    changes["region"] = region.name
                audit.append((project, AuditEntry.Action.UPDATE, changes))
                paths.append(region.path)
            fields = [*touched, "region", "next_milestone", "next_due_on", "updated_at"]
            Project.objects.bulk_update(list(objects.values()), fields, batch_size=500)
        for pks in _chunks(removed_links):
            ProjectCompound.objects.filter(pk__in=pks).delete()
        ProjectCompound.objects.bulk_create(new_links, batch_size=1000)
        bulk_audit(actor=self.user, entries=audit, summary=_("spreadsheet import"), region_paths=paths)

    def export_rows(self, queryset):
        pool = {v: k for k, v in PROJECT_POOL.items()}
        compounds = Prefetch("compounds", queryset=Compound.objects.order_by().only("pk", "code", "name"))
        for p in queryset.prefetch_related(compounds).iterator(chunk_size=2000):
            # A compound without a code is written by its name, which the import accepts too.
            codes = "、".join(sorted(c.code or c.name for c in p.compounds.all()))
            yield (p.code, p.name, p.plan_year, pool[p.pool], p.implementing_entity, p.designer, p.contractor,
                   p.supervisor, p.planned_start, p.planned_completion, codes)  # fmt: skip
