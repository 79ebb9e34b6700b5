"""Spreadsheet import and export of compounds and buildings (import_data compounds|buildings).

Lookups are loaded once per file (communities of the user's scope, compounds of the city), rows
are checked in Python and written with bulk inserts and updates, so ten thousand rows take about
as long as reading the workbook.
"""

from functools import partial

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import bulk_audit
from core.importing import Column, Importer, boolean, decimal, integer, register_importer, text
from core.models import AuditEntry
from org.models import CityPolicy, Region
from projects.models import EARLIEST_YEAR, Building, Compound

from .eligibility import verdict

# The words written in spreadsheets are fixed Chinese, whatever language the user reads the site in:
# files travel between offices.
PROPERTY_MANAGEMENT = {
    "专业物业": Compound.PropertyManagement.PROFESSIONAL,
    "单位自管": Compound.PropertyManagement.EMPLOYER,
    "无物业": Compound.PropertyManagement.NONE,
}
ORIGIN = {
    "房改房": Compound.Origin.HOUSING_REFORM,
    "单位宿舍": Compound.Origin.WORK_UNIT_DORMITORY,
    "三供一业移交": Compound.Origin.THREE_SUPPLIES,
    "商品房": Compound.Origin.COMMERCIAL,
    "安置房": Compound.Origin.RESETTLEMENT,
    "其他": Compound.Origin.OTHER,
}
POOL = {
    "储备": Compound.Pool.RESERVE,
    "谋划": Compound.Pool.PLANNING,
    "实施": Compound.Pool.IMPLEMENTATION,
    "已改造": Compound.Pool.RENOVATED,
}


def year(value):
    number = integer(value, minimum=EARLIEST_YEAR)
    if number is not None and number > timezone.localdate().year:
        from core.importing import CellError

        raise CellError(_("The year %(year)d lies in the future.") % {"year": number})
    return number


COMPOUND_FIELDS = (
    "code", "name", "address", "year_built", "floor_area", "building_count", "household_count", "max_storeys",
    "property_management", "origin", "in_shanty_town_area", "self_built", "pool", "longitude", "latitude", "notes",
)  # fmt: skip


@register_importer
class CompoundImporter(Importer):
    kind = "compounds"
    label = gettext_lazy("compounds")
    model = Compound
    columns = (
        Column("区县", "district", required=True, example="张店区"),
        Column("街道（镇）", "street", required=True, example="车站街道"),
        Column("社区", "community", required=True, example="华光路社区"),
        Column("小区编码", "code", parse=partial(text, max_length=32), example="ZD-CZ-001",
               help="本市唯一；留空时按“区县+小区名称”识别"),
        Column("小区名称", "name", required=True, parse=partial(text, max_length=100), example="华光路小区", width=20),
        Column("地址", "address", parse=partial(text, max_length=200), example="华光路58号", width=28),
        Column("建成年份", "year_built", required=True, parse=year, example=1995),
        Column("建筑面积（平方米）", "floor_area", required=True,
               parse=partial(decimal, minimum=0, exclusive_minimum=True), example=35800.5),
        Column("楼栋数", "building_count", required=True, parse=partial(integer, minimum=1), example=6),
        Column("户数", "household_count", required=True, parse=partial(integer, minimum=0), example=216),
        Column("最高层数", "max_storeys", parse=partial(integer, minimum=1, maximum=100), example=6),
        Column("物业管理", "property_management", choices=PROPERTY_MANAGEMENT, example="无物业"),
        Column("产权来源", "origin", choices=ORIGIN, example="房改房"),
        Column("棚户区改造范围", "in_shanty_town_area", parse=boolean, choices={"是": True, "否": False}, example="否"),
        Column("自建房", "self_built", parse=boolean, choices={"是": True, "否": False}, example="否"),
        Column("入库状态", "pool", choices=POOL, example="储备"),
        Column("经度", "longitude", parse=partial(decimal, places=6, minimum=-180, maximum=180), example=118.0549),
        Column("纬度", "latitude", parse=partial(decimal, places=6, minimum=-90, maximum=90), example=36.8132),
        Column("备注", "notes", parse=partial(text, max_length=2000), example="", width=30),
    )  # fmt: skip

    DEFAULTS = {
        "property_management": Compound.PropertyManagement.NONE,
        "origin": Compound.Origin.OTHER,
        "pool": Compound.Pool.RESERVE,
        "in_shanty_town_area": False,
        "self_built": False,
        "code": "",
        "address": "",
        "notes": "",
    }

    def communities(self):
        """(district, street, community) names → community, for the communities the user may use."""
        rows = (
            Region.objects.restrict(self.user)
            .filter(level=Region.Level.COMMUNITY)
            .values_list("pk", "name", "parent__name", "parent__parent__name", "parent__parent__pk", "path")
        )
        return {(d, s, c): (pk, district_pk, path) for pk, c, s, d, district_pk, path in rows}

    def cities_of(self, paths):
        """Community path → city region (the city is the CITY-level ancestor)."""
        cities = {c.path: c for c in Region.objects.filter(level=Region.Level.CITY)}
        result = {}
        for path in paths:
            for city_path, city in cities.items():
                if path.startswith(city_path):
                    result[path] = city
        return result

    def plan(self, rows, report):
        communities = self.communities()
        cities = self.cities_of({path for _pk, _d, path in communities.values()})
        city_ids = {city.pk for city in cities.values()}
        in_scope = set(Compound.objects.restrict(self.user, "change").values_list("pk", flat=True))
        existing = {}
        by_code, by_name = {}, {}
        fields = ("pk", "community_id", "community__parent__parent_id", "city_id", *COMPOUND_FIELDS)
        for values in Compound.objects.filter(city_id__in=city_ids).values(*fields):
            existing[values["pk"]] = values
            if values["code"]:
                by_code[(values["city_id"], values["code"])] = values["pk"]
            by_name.setdefault((values["community__parent__parent_id"], values["name"]), []).append(
                values["pk"]
            )
        policies = {city.pk: CityPolicy.in_force(city) for city in set(cities.values())}

        creates, updates, seen = [], [], {}
        for number, values in rows:
            where = (values["district"], values["street"], values["community"])
            community = communities.get(where)
            if community is None:
                report.add_error(
                    number,
                    "社区",
                    _("%(place)s is not a community in your area.") % {"place": "／".join(where)},
                )
                continue
            community_pk, district_pk, path = community
            city = cities[path]
            code = values.get("code") or ""
            key = ("code", city.pk, code) if code else ("name", district_pk, values["name"])
            if key in seen:
                report.add_error(
                    number,
                    "小区编码" if code else "小区名称",
                    _("Same compound as row %(row)d.") % {"row": seen[key]},
                )
                continue
            seen[key] = number
            if code:
                match = by_code.get((city.pk, code))
            else:
                matches = by_name.get((district_pk, values["name"]), [])
                if len(matches) > 1:
                    report.add_error(
                        number,
                        "小区名称",
                        _("Several compounds of the district have this name; give the compound code."),
                    )
                    continue
                match = matches[0] if matches else None
            if match is not None and match not in in_scope:
                report.add_error(number, "小区编码", _("This code belongs to a compound outside your area."))
                continue
            data = {
                **self.DEFAULTS,
                **{k: v for k, v in values.items() if k in COMPOUND_FIELDS and v is not None},
            }
            data["community_id"] = community_pk
            data["city_id"] = city.pk
            if match is None:
                report.new += 1
                creates.append((number, data, policies[city.pk]))
                continue
            old = existing[match]
            changed = {k: v for k, v in data.items() if old.get(k) != v}
            if changed:
                report.updated += 1
                updates.append((match, old, changed, policies[city.pk]))
            else:
                report.unchanged += 1
        return creates, updates

    def save(self, plan, report):
        creates, updates = plan
        audit = []
        new_objects = []
        for _number, data, policy in creates:
            compound = Compound(**data)
            compound.eligibility = verdict(compound, policy)
            new_objects.append(compound)
        Compound.objects.bulk_create(new_objects, batch_size=1000)
        for compound in new_objects:
            audit.append(
                (compound, AuditEntry.Action.IMPORT, {k: str(v) for k, v in _loggable(compound).items()})
            )

        if updates:
            objects = Compound.objects.in_bulk([pk for pk, *_rest in updates])
            touched, now = set(), timezone.now()
            for pk, old, changed, policy in updates:
                compound = objects[pk]
                compound.updated_at = now
                for field, value in changed.items():
                    setattr(compound, field, value)
                    touched.add(field)
                compound.eligibility = verdict(compound, policy)
                audit.append(
                    (
                        compound,
                        AuditEntry.Action.UPDATE,
                        {k: [_text(old.get(k)), _text(v)] for k, v in changed.items()},
                    )
                )
            Compound.objects.bulk_update(
                list(objects.values()), [*touched, "eligibility", "updated_at"], batch_size=500
            )
        bulk_audit(
            actor=self.user,
            entries=audit,
            summary=_("spreadsheet import"),
            region_paths=_region_paths([c for c, *_rest in audit]),
        )

    def export_rows(self, queryset):
        queryset = queryset.annotate(
            street_name=F("community__parent__name"), district_name=F("community__parent__parent__name")
        ).select_related("community")
        pm, origin, pool = ({v: k for k, v in words.items()} for words in (PROPERTY_MANAGEMENT, ORIGIN, POOL))
        for c in queryset.iterator(chunk_size=2000):
            yield (
                c.district_name, c.street_name, c.community.name, c.code, c.name, c.address, c.year_built,
                c.floor_area, c.building_count, c.household_count, c.max_storeys, pm[c.property_management],
                origin[c.origin], "是" if c.in_shanty_town_area else "否", "是" if c.self_built else "否",
                pool[c.pool], c.longitude, c.latitude, c.notes,
            )  # fmt: skip


def _text(value):
    return None if value is None else str(value)


def _loggable(compound):
    return {
        field: getattr(compound, field)
        for field in COMPOUND_FIELDS
        if getattr(compound, field) not in ("", None)
    }


def _region_paths(compounds):
    paths = dict(Region.objects.filter(pk__in={c.community_id for c in compounds}).values_list("pk", "path"))
    return [paths[c.community_id] for c in compounds]


@register_importer
class BuildingImporter(Importer):
    kind = "buildings"
    label = gettext_lazy("buildings")
    model = Building
    columns = (
        Column(
            "小区编码",
            "compound_code",
            required=True,
            parse=partial(text, max_length=32),
            example="ZD-CZ-001",
        ),
        Column("楼栋号", "number", required=True, parse=partial(text, max_length=20), example="3号楼"),
        Column("层数", "storeys", required=True, parse=partial(integer, minimum=1, maximum=100), example=6),
        Column("单元数", "units", parse=partial(integer, minimum=1), example=3),
        Column("户数", "household_count", parse=partial(integer, minimum=0), example=36),
        Column("建成年份", "year_built", parse=year, example=1995),
        Column("有无电梯", "has_lift", parse=boolean, choices={"有": True, "无": False}, example="无"),
    )
    FIELDS = ("storeys", "units", "household_count", "year_built", "has_lift")
    DEFAULTS = {"units": 1, "household_count": 0, "has_lift": False}

    def plan(self, rows, report):
        compounds = dict(
            Compound.objects.restrict(self.user, "change").exclude(code="").values_list("code", "pk")
        )
        existing = {
            (b["compound_id"], b["number"]): b
            for b in Building.objects.filter(compound_id__in=compounds.values()).values(
                "pk", "compound_id", "number", *self.FIELDS
            )
        }
        creates, updates, seen = [], [], {}
        for number, values in rows:
            compound_pk = compounds.get(values["compound_code"])
            if compound_pk is None:
                report.add_error(number, "小区编码", _("No compound with this code in your area."))
                continue
            key = (compound_pk, values["number"])
            if key in seen:
                report.add_error(number, "楼栋号", _("Same building as row %(row)d.") % {"row": seen[key]})
                continue
            seen[key] = number
            data = {
                **self.DEFAULTS,
                **{k: v for k, v in values.items() if k in self.FIELDS and v is not None},
            }
            old = existing.get(key)
            if old is None:
                report.new += 1
                creates.append(Building(compound_id=compound_pk, number=values["number"], **data))
            else:
                changed = {k: v for k, v in data.items() if old.get(k) != v}
                if changed:
                    report.updated += 1
                    updates.append((old["pk"], changed))
                else:
                    report.unchanged += 1
        return creates, updates

    def save(self, plan, report):
        creates, updates = plan
        Building.objects.bulk_create(creates, batch_size=1000)
        objects = Building.objects.in_bulk([pk for pk, _changed in updates])
        touched, now = set(), timezone.now()
        for pk, changed in updates:
            objects[pk].updated_at = now
            for field, value in changed.items():
                setattr(objects[pk], field, value)
                touched.add(field)
        if objects:
            Building.objects.bulk_update(list(objects.values()), [*touched, "updated_at"], batch_size=500)
        compounds = Compound.objects.in_bulk({b.compound_id for b in [*creates, *objects.values()]})
        entries = [
            (compounds[b.compound_id], AuditEntry.Action.IMPORT, {"building": b.number}) for b in creates
        ]
        entries += [
            (
                compounds[objects[pk].compound_id],
                AuditEntry.Action.UPDATE,
                {"building": objects[pk].number, **{k: str(v) for k, v in changed.items()}},
            )
            for pk, changed in updates
        ]
        bulk_audit(
            actor=self.user,
            entries=entries,
            summary=_("buildings imported"),
            region_paths=_region_paths([c for c, *_rest in entries]),
        )

    def export_rows(self, queryset):
        for b in queryset.select_related("compound").iterator(chunk_size=2000):
            yield (b.compound.code, b.number, b.storeys, b.units, b.household_count, b.year_built,
                   "有" if b.has_lift else "无")  # fmt: skip
