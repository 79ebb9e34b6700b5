"""Spreadsheet import and export of renovation projects (import_data projects).

The rules are the services' own (projects.lifecycle.rules): a project's area is the smallest region
holding its compounds, which lie in one city and inside the user's area; a project code is unique
in its city; a closed project no longer changes. They are checked against lookups loaded once per
file, so the number of queries does not grow with the rows (but for the batches of the bulk
statements), and the rows are written under lock (core.bulk). A column left out of the file
leaves its field as it is; an empty cell of a column in the file empties the field.
"""

import re
from functools import partial

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import bulk_audit
from core.bulk import bulk_apply_changes, chunked, group_by
from core.importing import (
    CellError,
    Column,
    Importer,
    change_text,
    date,
    described,
    integer,
    register_importer,
    text,
)
from core.models import AuditEntry
from projects.models import Compound, Project, ProjectCompound

from . import rules
from .schedule import rules_in_force, schedule_refresh
from .services import PROJECT_EDITABLE

# Fixed Chinese words, whatever language the user reads the site in: files travel between offices.
PROJECT_POOL = {
    "储备": Project.Pool.RESERVE,
    "谋划": Project.Pool.PLANNING,
    "实施": Project.Pool.IMPLEMENTATION,
}
CODE_SEPARATORS = re.compile(r"[、,，;；]")
FIRST_PLAN_YEAR, LAST_PLAN_YEAR = 2000, 2100
COMPOUNDS = "小区编号"


@described(
    lambda: _("A year from %(first)d to %(last)d") % {"first": FIRST_PLAN_YEAR, "last": LAST_PLAN_YEAR}
)
def plan_year(value):
    return integer(value, minimum=FIRST_PLAN_YEAR, maximum=LAST_PLAN_YEAR)


@described(lambda: _("One or more compound codes, separated by 、 , or ;"))
def compound_codes(value):
    """“ZD-001、ZD-002” → ("ZD-001", "ZD-002"): the compounds of a project, several for a bundle."""
    codes = tuple(dict.fromkeys(c.strip() for c in CODE_SEPARATORS.split(text(value)) if c.strip()))
    if not codes:
        raise CellError(_("Give at least one compound code."))
    return codes


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
               example="车站街道华光路片区老旧小区改造项目", width=30, help=gettext_lazy("The project's full name.")),
        Column("计划年度", "plan_year", parse=plan_year, example=2026,
               help=gettext_lazy("The annual plan the project belongs to; it dates the project's deadlines.")),
        Column("项目库", "pool", choices=PROJECT_POOL, example="储备",
               help=gettext_lazy("Empty: 储备 for a new project, unchanged for an existing one.")),
        Column("实施主体", "implementing_entity", parse=partial(text, max_length=100), example="车站街道办事处",
               width=20, help=gettext_lazy("The body that carries out the project.")),
        Column("设计单位", "designer", parse=partial(text, max_length=100), width=20,
               help=gettext_lazy("The design firm.")),
        Column("施工单位", "contractor", parse=partial(text, max_length=100), width=20,
               help=gettext_lazy("The contractor (the winning bidder).")),
        Column("监理单位", "supervisor", parse=partial(text, max_length=100), width=20,
               help=gettext_lazy("The supervising engineer.")),
        Column("计划开工", "planned_start", parse=date, example="2026-04-01",
               help=gettext_lazy("Planned start of the works.")),
        Column("计划完工", "planned_completion", parse=date, example="2026-10-31",
               help=gettext_lazy("Planned completion of the works.")),
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
        return group_by([r for r in rows if r["code"]], "code"), group_by(
            [r for r in rows if not r["code"]], "name"
        )

    def resolve_compounds(self, number, codes, by_code, by_name, report):
        """The compounds a row names (in the user's area), or None with the errors reported."""
        found = []
        for code in codes:
            matches = by_code.get(code) or by_name.get(code) or []
            if len(matches) != 1:
                message = (
                    _("Several compounds in your area go by “%(code)s”.")
                    if matches
                    else _("No compound with the code “%(code)s” in your area.")
                )
                report.add_error(number, COMPOUNDS, message % {"code": code})
                return None
            found.append(matches[0])
        return found

    def plan(self, rows, report):
        by_code, by_name = self.compound_lookup()
        resolved = []
        for number, values in rows:
            if "compounds" not in values:
                continue  # empty or unreadable: already reported
            found = self.resolve_compounds(number, values["compounds"], by_code, by_name, report)
            if found is not None:
                resolved.append((number, values, found, tuple(c["community__path"] for c in found)))
        areas = rules.ProjectAreas(self.user, [paths for *_rest, paths in resolved])
        cities = {found[0]["city_id"] for _n, _v, found, _p in resolved}
        existing = {
            p["pk"]: p
            for p in Project.objects.filter(city_id__in=cities)
            .order_by()
            .values("pk", "city_id", "region_id", "stage", *PROJECT_EDITABLE)
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
        holders = {(p["city_id"], p["code"]): pk for pk, p in existing.items() if p["code"]}
        by_project_name = {}
        for pk, p in existing.items():
            if not p["code"] and pk in editable:  # one outside the user's area is not theirs to match
                by_project_name.setdefault((p["city_id"], p["name"]), []).append(pk)
        policies = {city: rules_in_force(city) for city in cities}

        creates, updates, seen = [], {}, {}
        for number, values, found, paths in resolved:
            try:
                region, city = areas.area(paths)
            except ValidationError as error:
                self.report_invalid(report, number, error, column=COMPOUNDS)
                continue
            code = values.get("code") or ""
            if not code and not values.get("name"):
                continue  # neither code nor name could be read: already reported
            key = ("code", city.pk, code) if code else ("name", city.pk, values["name"])
            column = "项目编号" if code else "项目名称"
            if key in seen:
                report.add_error(number, column, _("Same project as row %(row)d.") % {"row": seen[key]})
                continue
            seen[key] = number
            if code:
                match = holders.get((city.pk, code))
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
            if match is not None:
                old = existing[match]
                try:
                    rules.check_code_free(code, holder=holders.get((city.pk, code)), own=match)
                    rules.check_editable(Project(stage=old["stage"]))  # the model's own question
                except ValidationError as error:
                    self.report_invalid(report, number, error, column=column)
                    continue
            if report.has_errors(number):
                continue
            data = {k: values[k] for k in PROJECT_EDITABLE if k in values}
            if not data.get("pool"):
                data.pop("pool", None)  # an empty pool: 储备 for a new project, unchanged for another
            compounds = {c["pk"]: c["name"] for c in found}
            if match is None:
                report.new += 1
                creates.append((data, city.pk, region, compounds))
                continue
            changed = {k: v for k, v in data.items() if old[k] != v}
            if region.pk != old["region_id"]:
                changed["region_id"] = region.pk
            old_compounds = {pk: link["compound__name"] for pk, link in links.get(match, {}).items()}
            if changed or compounds.keys() != old_compounds.keys():
                report.updated += 1
                updates[match] = (changed, region, compounds, old_compounds, links.get(match, {}))
            else:
                report.unchanged += 1
        return creates, updates, policies

    def save(self, plan, report):
        creates, updates, policies = plan
        audit, paths = [], []
        new_projects = []
        for data, city, region, _compounds in creates:
            project = Project(**data, city_id=city, region=region)
            schedule_refresh(project, policies[city])
            new_projects.append(project)
        Project.objects.bulk_create(new_projects, batch_size=1000)
        new_links = []
        for project, (data, _city, region, compounds) in zip(new_projects, creates, strict=True):
            new_links += [ProjectCompound(project=project, compound_id=pk) for pk in compounds]
            changes = {k: str(v) for k, v in data.items() if v not in ("", None)}
            audit.append(
                (project, AuditEntry.Action.IMPORT, {**changes, "compounds": sorted(compounds.values())})
            )
            paths.append(region.path)

        def redate(project):  # the plan year dates the calendar
            schedule_refresh(project, policies[project.city_id])

        applied = bulk_apply_changes(
            Project,
            {pk: changed for pk, (changed, *_rest) in updates.items()},
            derive=redate,
            derived_fields=["next_milestone", "next_due_on"],
        )
        removed_links = []
        for pk, (project, diff) in applied.items():
            _changed, region, compounds, old_compounds, links = updates[pk]
            changes = {
                k: [change_text(old), change_text(new)] for k, (old, new) in diff.items() if k != "region_id"
            }
            if "region_id" in diff:
                changes["region"] = region.name
            if compounds.keys() != old_compounds.keys():
                changes["compounds"] = [sorted(old_compounds.values()), sorted(compounds.values())]
                removed_links += [link["pk"] for c, link in links.items() if c not in compounds]
                new_links += [
                    ProjectCompound(project=project, compound_id=c) for c in compounds if c not in links
                ]
            audit.append((project, AuditEntry.Action.UPDATE, changes))
            paths.append(region.path)
        for pks in chunked(removed_links):
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
