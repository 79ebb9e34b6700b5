"""Spreadsheet import and export of households (``import_data households``, ``export_data
households``, and the register's import and export buttons).

A row is named by its compound (code, or name when the code is empty), building number, unit and
room; the building must already be in the registry. An export shows names and phone numbers as the
page does: masked to a role without ``residents.view_personal_data``. Such a file imports back: a
masked cell that still reads as the saved value masks keeps the saved value; any other masked cell
is refused, so a masked value never overwrites a real one. Rows are checked against lookups loaded
once and written in bulk under lock (core.bulk), the whole file or nothing."""

import re
from functools import partial

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import bulk_audit
from core.bulk import bulk_apply_changes
from core.importing import CellError, Column, Importer, boolean, described, integer, register_importer, text
from core.models import AuditEntry
from projects.models import Building, Compound
from residents.models import Household
from residents.models.households import PHONE_PATTERN, mask_name, mask_phone
from residents.privacy import sees_personal_data, shown_name, shown_phone
from residents.results.support import support_refresh

from .services import logged

CODE, NAME, BUILDING, UNIT, ROOM, HEAD, PHONE = (
    "小区编码",
    "小区名称",
    "楼栋号",
    "单元",
    "房号",
    "户主姓名",
    "联系电话",
)
TENURE = {"自有": Household.Tenure.OWNER, "租住": Household.Tenure.TENANT}
YES_NO = {"是": True, "否": False}
FIELDS = ("head_name", "phone", "size", "has_elderly", "has_disabled", "tenure", "note")
DEFAULTS = {"head_name": "", "phone": "", "size": 1, "has_elderly": False, "has_disabled": False,
            "tenure": Household.Tenure.OWNER, "note": ""}  # fmt: skip
MASKED = "*"


@described(lambda: _("11 digits starting with 1; as exported (138****1234) keeps the saved number"))
def phone(value):
    written = text(value, max_length=20).replace(" ", "").replace("-", "")
    if not written or MASKED in written:
        return written
    if not re.match(PHONE_PATTERN, written):
        raise CellError(_("A phone number has 11 digits and starts with 1."))
    return written


@described(lambda: _("Text, at most 50 characters; as exported (张*) keeps the saved name"))
def person_name(value):
    return text(value, max_length=50)


@register_importer
class HouseholdImporter(Importer):
    kind = "households"
    label = gettext_lazy("household register")
    model = Household
    columns = (
        Column(CODE, "compound_code", parse=partial(text, max_length=32), example="ZD-CZ-001",
               help=gettext_lazy("The code of a compound in your area. Empty: the compound is found by its name.")),
        Column(NAME, "compound_name", parse=partial(text, max_length=100), example="华光路小区", width=18,
               help=gettext_lazy("The compound's name, used when the code is empty.")),
        Column(BUILDING, "building", required=True, parse=partial(text, max_length=20), example="3号楼",
               help=gettext_lazy("A building of that compound already in the registry, as on its plate.")),
        Column(UNIT, "unit", parse=partial(text, max_length=10), example="1单元",
               help=gettext_lazy("Stairwell unit, e.g. 2单元; empty for a building of one stairwell.")),
        Column(ROOM, "room", required=True, parse=partial(text, max_length=20), example="301",
               help=gettext_lazy("As posted on the door, e.g. 301.")),
        Column(HEAD, "head_name", parse=person_name, example="王建国",
               help=gettext_lazy("Head of household: personal information (docs/privacy.md).")),
        Column(PHONE, "phone", parse=phone, example="13812345678", width=16,
               help=gettext_lazy("A mobile number: personal information (docs/privacy.md).")),
        Column("家庭人口", "size", parse=partial(integer, minimum=1, maximum=30), example=3,
               help=gettext_lazy("People living in the household. Empty: 1 for a new household.")),
        Column("有60岁以上老人", "has_elderly", parse=boolean, choices=YES_NO, example="是",
               help=gettext_lazy("Whether a member is 60 or over (ageing-friendly items).")),
        Column("有残疾人", "has_disabled", parse=boolean, choices=YES_NO, example="否",
               help=gettext_lazy("Whether a member has a disability (accessibility items).")),
        Column("自有或租住", "tenure", choices=TENURE, example="自有",
               help=gettext_lazy("Whether the household owns or rents the flat. Empty: 自有 for a new household.")),
        Column("备注", "note", parse=partial(text, max_length=200), width=24,
               help=gettext_lazy("Anything else worth knowing.")),
    )  # fmt: skip

    def compounds(self):
        by_code, by_name = {}, {}
        for pk, code, name in Compound.objects.restrict(self.user, "change").values_list(
            "pk", "code", "name"
        ):
            if code:
                by_code[code] = pk
            by_name.setdefault(name, []).append(pk)
        return by_code, by_name

    def find_compound(self, number, values, by_code, by_name, report):
        code, name = values.get("compound_code"), values.get("compound_name")
        if code:
            if code not in by_code:
                report.add_error(number, CODE, _("No compound with this code in your area."))
                return None
            return by_code[code]
        if not name:
            if CODE not in {e.column for e in report.errors if e.row == number}:
                report.add_error(number, CODE, _("Give the compound's code or its name."))
            return None
        matches = by_name.get(name, [])
        if not matches:
            report.add_error(number, NAME, _("No compound of this name in your area."))
            return None
        if len(matches) > 1:
            report.add_error(
                number, NAME, _("Several compounds of your area have this name; give the compound code.")
            )
            return None
        return matches[0]

    def plan(self, rows, report):
        by_code, by_name = self.compounds()
        located = []
        for number, values in rows:
            compound_pk = self.find_compound(number, values, by_code, by_name, report)
            if compound_pk is not None and values.get("building") and values.get("room") is not None:
                located.append((number, values, compound_pk))
        compound_pks = {pk for _n, _v, pk in located}
        buildings = {
            (compound_pk, building_number): pk
            for pk, compound_pk, building_number in Building.objects.filter(
                compound_id__in=compound_pks
            ).values_list("pk", "compound_id", "number")
        }
        existing = {
            (h["building_id"], h["unit"], h["room"]): h
            for h in Household.objects.filter(compound_id__in=compound_pks).values(
                "pk", "building_id", "unit", "room", *FIELDS
            )
        }
        creates, updates, seen = [], {}, {}
        for number, values, compound_pk in located:
            building_pk = buildings.get((compound_pk, values["building"]))
            if building_pk is None:
                report.add_error(
                    number, BUILDING, _("That compound has no building of this number in the registry.")
                )
                continue
            key = (building_pk, values.get("unit") or "", values["room"])
            if key in seen:
                report.add_error(number, ROOM, _("Same household as row %(row)d.") % {"row": seen[key]})
                continue
            seen[key] = number
            old = existing.get(key)
            data = {k: v for k, v in values.items() if k in FIELDS and v is not None}
            for name, header, mask in (("head_name", HEAD, mask_name), ("phone", PHONE, mask_phone)):
                written = data.get(name, "")
                if MASKED not in written:
                    continue
                if old is not None and written == mask(old[name]):
                    data.pop(name)  # exported masked and left as it was: the saved value stays
                else:
                    report.add_error(
                        number,
                        header,
                        _("A masked value cannot be imported; type it in full or keep it as exported."),
                    )
            if report.has_errors(number):
                continue
            if old is None:
                report.new += 1
                creates.append(
                    Household(
                        compound_id=compound_pk,
                        building_id=building_pk,
                        unit=key[1],
                        room=key[2],
                        **{**DEFAULTS, **data},
                    )
                )
                continue
            changed = {k: v for k, v in data.items() if old[k] != v}
            if changed:
                report.updated += 1
                updates[old["pk"]] = changed
            else:
                report.unchanged += 1
        return creates, updates

    def save(self, plan, report):
        creates, updates = plan
        Household.objects.bulk_create(creates, batch_size=1000)
        support_refresh({household.compound_id for household in creates})
        applied = bulk_apply_changes(Household, updates)
        masks = {"head_name": mask_name, "phone": mask_phone}

        def shown(name, value):
            return masks[name](value) if name in masks else (None if value in (None, "") else str(value))

        for household, _diff in applied.values():
            household.building = self.buildings[household.building_id]
        entries = [
            (h, AuditEntry.Action.IMPORT, {"unit": h.unit, "room": h.room, **logged(h, FIELDS)})
            for h in creates
        ]
        entries += [
            (
                h,
                AuditEntry.Action.UPDATE,
                {k: [shown(k, old), shown(k, new)] for k, (old, new) in diff.items()},
            )
            for h, diff in applied.values()
        ]
        paths = dict(
            Compound.objects.filter(pk__in={h.compound_id for h, *_rest in entries}).values_list(
                "pk", "community__path"
            )
        )
        bulk_audit(
            actor=self.user,
            entries=entries,
            summary=_("households imported"),
            region_paths=[paths[h.compound_id] for h, *_rest in entries],
        )

    def export_rows(self, queryset):
        full = sees_personal_data(self.user)
        tenure = {v: k for k, v in TENURE.items()}
        for h in queryset.select_related("compound", "building").iterator(chunk_size=2000):
            yield (
                h.compound.code, h.compound.name, h.building.number, h.unit, h.room,
                shown_name(self.user, h.head_name, full=full), shown_phone(self.user, h.phone, full=full),
                h.size, "是" if h.has_elderly else "否", "是" if h.has_disabled else "否", tenure[h.tenure], h.note,
            )  # fmt: skip
