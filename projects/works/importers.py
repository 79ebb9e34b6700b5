"""Spreadsheet import and export of project items (import_data project_items), by the rules of the
item grid (projects.works.rules): an item appears once per project, a retired item is not added, a
closed project's items do not change, an item without a payer is paid by its default payer."""

from decimal import Decimal
from functools import partial

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import bulk_audit
from core.bulk import bulk_apply_changes, chunked, group_by
from core.importing import Column, Importer, change_text, decimal, integer, register_importer, text
from core.models import AuditEntry
from core.money import export_wan, wan_cell
from projects.models import Project, ProjectItem, RenovationItem

from . import rules

# Fixed Chinese words, whatever language the user reads the site in: files travel between offices.
PAYER = {
    "财政资金": RenovationItem.Payer.GOVERNMENT,
    "地方财政预算": RenovationItem.Payer.LOCAL_BUDGET,
    "居民": RenovationItem.Payer.RESIDENTS,
    "专营单位": RenovationItem.Payer.UTILITY,
    "产权单位": RenovationItem.Payer.OWNER,
    "通信运营企业": RenovationItem.Payer.OPERATORS,
    "多方共担": RenovationItem.Payer.MIXED,
}
# Amounts in 万元 as on every page (docs/money.md): 24 → 240000.00 yuan stored; up to 6 places keep the fen.
MONEY = partial(wan_cell, minimum=0, maximum=Decimal("99999999.999999"))
MONEY_HELP = gettext_lazy("In 10k yuan (万元), as on the pages: 24 is 240,000 yuan, 0.0024 is 24 yuan.")


ITEM_VALUES = ("quantity", "estimated_cost", "bid_price", "actual_cost", "progress", "payer", "note")


@register_importer
class ProjectItemImporter(Importer):
    kind = "project_items"
    label = gettext_lazy("renovation items")  # the page reads 导入改造内容
    model = ProjectItem
    columns = (
        Column("项目编号", "project", required=True, parse=partial(text, max_length=40), example="ZD-2026-01",
               help=gettext_lazy("The code of a project in your area.")),
        Column("改造内容编码", "item_code", parse=partial(text, max_length=50), example="",
               width=22, help=gettext_lazy("The item's code in the catalogue; or leave it empty and give "
                                           "the item's name.")),
        Column("改造内容", "item_name", parse=partial(text, max_length=50), example="供水管网改造", width=20,
               help=gettext_lazy("The item's name in the catalogue.")),
        Column("数量", "quantity", required=True,
               parse=partial(decimal, minimum=0, maximum=Decimal("9999999999.99")), example=1200,
               help=gettext_lazy("Quantity, in the item's unit of the catalogue.")),
        Column("估算金额（万元）", "estimated_cost", parse=MONEY, example=36, help=MONEY_HELP),
        Column("合同价（万元）", "bid_price", parse=MONEY, help=MONEY_HELP),
        Column("实际金额（万元）", "actual_cost", parse=MONEY, help=MONEY_HELP),
        Column("进度（%）", "progress", parse=partial(integer, minimum=0, maximum=100), example=0,
               help=gettext_lazy("How far the item's works are.")),
        Column("出资方", "payer", choices=PAYER, help=gettext_lazy("Empty: who pays for the item by default.")),
        Column("备注", "note", parse=partial(text, max_length=200), width=30,
               help=gettext_lazy("Anything else worth knowing.")),
    )  # fmt: skip

    def plan(self, rows, report):
        projects = group_by(
            Project.objects.restrict(self.user, "change")  # items are the project's own
            .exclude(code="")
            .select_related("region")
            .only("pk", "code", "name", "stage", "region__path")
            .order_by(),
            lambda project: project.code,
        )
        catalogue = list(
            RenovationItem.objects.restrict(self.user).only("pk", "code", "name", "active", "default_payer")
        )
        items_by_code = {item.code: item for item in catalogue}
        items_by_name = group_by(catalogue, lambda item: item.name)
        named = {values.get("project") for _number, values in rows}
        wanted = [matches[0].pk for code, matches in projects.items() if code in named and len(matches) == 1]
        existing = {}
        for pks in chunked(wanted):
            item_rows = ProjectItem.objects.filter(project_id__in=pks).order_by()
            for row in item_rows.values("pk", "project_id", "item_id", *ITEM_VALUES):
                existing[(row["project_id"], row["item_id"])] = row

        creates, updates, seen = [], [], {}
        for number, values in rows:
            # An empty or unreadable project code is already reported; the item is checked anyway.
            project = values.get("project") and self.find_project(number, values["project"], projects, report)
            item = self.find_item(number, values, items_by_code, items_by_name, report)
            if not project or item is None:
                continue
            key = (project.pk, item.pk)
            column = "改造内容编码" if values.get("item_code") else "改造内容"
            if key in seen:
                report.add_error(
                    number, column,
                    _("“%(item)s” of this project is already in row %(row)d.") % {"item": item.name, "row": seen[key]},
                )  # fmt: skip
                continue
            seen[key] = number
            old = existing.get(key)
            try:
                rules.check_offered(item, adds_it=old is None)
            except ValidationError as error:
                self.report_invalid(report, number, error, column=column)
                continue
            if report.has_errors(number):
                continue
            data = {k: values[k] for k in ITEM_VALUES if k in values}
            if old is None:
                data["progress"] = data.get("progress") or 0
                data["payer"] = rules.payer_or_default(data.get("payer"), item)
            else:  # an empty cell leaves what was saved as it is (the payer someone chose)
                data = {k: v for k, v in data.items() if v is not None}
            if old is None:
                report.new += 1
                creates.append((project, item, ProjectItem(project_id=project.pk, item_id=item.pk, **data)))
                continue
            changed = {k: v for k, v in data.items() if old[k] != v}
            if changed:
                report.updated += 1
                updates.append((project, item, old["pk"], changed))
            else:
                report.unchanged += 1
        return creates, updates

    def find_project(self, number, code, projects, report):
        matches = projects.get(code, [])
        if not matches:
            report.add_error(number, "项目编号", _("No project with this code in your area."))
            return None
        if len(matches) > 1:
            report.add_error(number, "项目编号", _("Projects of several cities in your area have this code."))
            return None
        try:
            rules.check_items_open(matches[0])
        except ValidationError as error:
            self.report_invalid(report, number, error, column="项目编号")
            return None
        return matches[0]

    def find_item(self, number, values, by_code, by_name, report):
        code, name = values.get("item_code") or "", values.get("item_name") or ""
        if code:
            item = by_code.get(code)
            if item is None:
                report.add_error(number, "改造内容编码", _("No item of the catalogue has this code."))
                return None
            if name and name != item.name:
                report.add_error(
                    number, "改造内容",
                    _("The item with the code %(code)s is “%(name)s”.") % {"code": code, "name": item.name},
                )  # fmt: skip
                return None
            return item
        if not name:
            report.add_error(number, "改造内容编码", _("Give the item's code or its name."))
            return None
        matches = by_name.get(name, [])
        if len(matches) != 1:
            report.add_error(
                number, "改造内容",
                _("Several items of the catalogue have this name; give the item's code.") if matches
                else _("No item of the catalogue has this name."),
            )  # fmt: skip
            return None
        return matches[0]

    def save(self, plan, report):
        creates, updates = plan
        ProjectItem.objects.bulk_create([row for _p, _i, row in creates], batch_size=1000)
        changes, projects = {}, {}
        for project, item, row in creates:
            changes.setdefault(project.pk, {})[item.name] = {"added": str(row.quantity)}
            projects[project.pk] = project
        applied = bulk_apply_changes(ProjectItem, {pk: changed for _p, _i, pk, changed in updates})
        for project, item, pk, _changed in updates:
            if pk in applied:
                diff = applied[pk][1]
                changes.setdefault(project.pk, {})[item.name] = {
                    k: [change_text(old), change_text(new)] for k, (old, new) in diff.items()
                }
                projects[project.pk] = project
        # One entry per project, as project_items_save writes, in the project's own history.
        bulk_audit(
            actor=self.user,
            entries=[(projects[pk], AuditEntry.Action.UPDATE, items) for pk, items in changes.items()],
            summary=_("Items imported from a spreadsheet"),
            region_paths=[projects[pk].region.path for pk in changes],
        )

    def export_rows(self, queryset):
        payer = {v: k for k, v in PAYER.items()}
        for row in queryset.select_related("project", "item").iterator(chunk_size=2000):
            yield (row.project.code, row.item.code, row.item.name, row.quantity, export_wan(row.estimated_cost),
                   export_wan(row.bid_price), export_wan(row.actual_cost), row.progress, payer[row.payer],
                   row.note)  # fmt: skip
