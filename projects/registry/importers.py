"""Spreadsheet import and export of compounds and buildings (import_data compounds|buildings).

Lookups are loaded once per file (the communities the file names, compounds of their cities), rows
are checked in Python against the same rules as the services (projects.registry.rules) and written
with bulk inserts and updates under lock (core.bulk), so ten thousand rows take about as long as
reading the workbook.
"""

from functools import partial
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import bulk_audit
from core.bulk import bulk_apply_changes
from core.importing import (
    CellError,
    Column,
    Importer,
    boolean,
    change_text,
    decimal,
    described,
    integer,
    register_importer,
    text,
)
from core.models import AuditEntry
from core.validators import year_not_in_future
from org.models import Region
from org.selectors import cities_of
from projects.models import EARLIEST_YEAR, Building, Compound

from . import rules
from .eligibility import policy_in_force, verdict
from .hooks import compounds_changed

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


@described(lambda: _("A year from %(first)d to this year, such as 1995") % {"first": EARLIEST_YEAR})
def year(value):
    number = integer(value, minimum=EARLIEST_YEAR)
    try:
        year_not_in_future(number)  # the field's own validator
    except ValidationError as error:
        raise CellError(error.messages[0]) from None
    return number


class Place(NamedTuple):
    """A community as the importer needs it (what projects.registry.rules.check_community reads)."""

    pk: int
    name: str
    path: str
    level: int
    district_pk: int


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
        Column("区县", "district", required=True, example="张店区",
               help=gettext_lazy("The district or county of the compound, named as in the region list.")),
        Column("街道（镇）", "street", required=True, example="车站街道",
               help=gettext_lazy("The street or town of that district.")),
        Column("社区", "community", required=True, example="华光路社区",
               help=gettext_lazy("The community (residents' committee) of that street.")),
        Column("小区编码", "code", parse=partial(text, max_length=32), example="ZD-CZ-001",
               help=gettext_lazy("Unique in the city. Empty: the compound is found by its district and name.")),
        Column("小区名称", "name", required=True, parse=partial(text, max_length=100), example="华光路小区", width=20,
               help=gettext_lazy("The compound's name as residents know it.")),
        Column("地址", "address", parse=partial(text, max_length=200), example="华光路58号", width=28,
               help=gettext_lazy("Road and number.")),
        Column("建成年份", "year_built", required=True, parse=year, example=1995,
               help=gettext_lazy("The year the compound was completed; the city's policy says which years qualify.")),
        Column("建筑面积（平方米）", "floor_area", required=True,
               parse=partial(decimal, minimum=0, exclusive_minimum=True), example=35800.5,
               help=gettext_lazy("Floor area of all the compound's buildings.")),
        Column("楼栋数", "building_count", required=True, parse=partial(integer, minimum=1), example=6,
               help=gettext_lazy("Number of residential buildings.")),
        Column("户数", "household_count", required=True, parse=partial(integer, minimum=0), example=216,
               help=gettext_lazy("Number of households.")),
        Column("最高层数", "max_storeys", parse=partial(integer, minimum=1, maximum=100), example=6,
               help=gettext_lazy("Storeys of the highest building.")),
        Column("物业管理", "property_management", choices=PROPERTY_MANAGEMENT, example="无物业",
               help=gettext_lazy("How the property is managed now. Empty: 无物业 for a new compound; "
                                 "an existing one keeps its value.")),
        Column("产权来源", "origin", choices=ORIGIN, example="房改房",
               help=gettext_lazy("Where the housing came from. Empty: 其他 for a new compound; an "
                                 "existing one keeps its value.")),
        Column("棚户区改造范围", "in_shanty_town_area", parse=boolean, choices={"是": True, "否": False}, example="否",
               help=gettext_lazy("Whether the compound lies in a shanty-town redevelopment area.")),
        Column("自建房", "self_built", parse=boolean, choices={"是": True, "否": False}, example="否",
               help=gettext_lazy("Whether the buildings were built by the residents themselves.")),
        Column("入库状态", "pool", choices=POOL, example="储备",
               help=gettext_lazy("The compound's pool in the renovation programme. Empty: 储备 for "
                                 "a new compound; an existing one keeps its value.")),
        Column("经度", "longitude", parse=partial(decimal, places=6, minimum=-180, maximum=180), example=118.0549,
               help=gettext_lazy("Longitude in decimal degrees.")),
        Column("纬度", "latitude", parse=partial(decimal, places=6, minimum=-90, maximum=90), example=36.8132,
               help=gettext_lazy("Latitude in decimal degrees.")),
        Column("备注", "notes", parse=partial(text, max_length=2000), example="", width=30,
               help=gettext_lazy("Anything else worth knowing.")),
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

    def communities(self, places):
        """(district, street, community) names → the communities of that name, wherever they are:
        whether the user may use one is the rule's to say (projects.registry.rules). Read as plain
        rows: a province repeats community names thousands of times."""
        found = {}
        rows = Region.objects.filter(
            level=Region.Level.COMMUNITY, name__in={community for _d, _s, community in places}
        ).values_list(
            "pk", "name", "path", "level", "parent__name", "parent__parent__name", "parent__parent_id"
        )
        for pk, name, path, level, street, district, district_pk in rows:
            key = (district or "", street or "", name)
            if key in places:
                found.setdefault(key, []).append(Place(pk, name, path, level, district_pk))
        return found

    def missing_places(self, wheres):
        """For (district, street, community) names that name no community anywhere: the column and
        message saying which of the three does not exist (one query for the whole file)."""
        if not wheres:
            return {}
        names = {name for where in wheres for name in where[:2]}
        rows = Region.objects.filter(
            level__in=(Region.Level.DISTRICT, Region.Level.STREET), name__in=names
        ).values_list("name", "level", "parent__name")
        districts = {name for name, level, _parent in rows if level == Region.Level.DISTRICT}
        streets = {(parent, name) for name, level, parent in rows if level == Region.Level.STREET}
        missing = {}
        for district, street, community in wheres:
            if district not in districts:
                missing[(district, street, community)] = (
                    "区县",
                    _("There is no district or county named “%(name)s”.") % {"name": district},
                )
            elif (district, street) not in streets:
                missing[(district, street, community)] = (
                    "街道（镇）",
                    _("%(district)s has no street or town named “%(name)s”.")
                    % {"district": district, "name": street},
                )
            else:
                missing[(district, street, community)] = (
                    "社区",
                    _("%(district)s／%(street)s has no community named “%(name)s”.")
                    % {"district": district, "street": street, "name": community},
                )
        return missing

    def plan(self, rows, report):
        wheres = {
            (v["district"], v["street"], v["community"])
            for _n, v in rows
            if all(v.get(key) for key in ("district", "street", "community"))
        }
        found = self.communities(wheres)
        missing = self.missing_places(wheres - found.keys())
        in_scope = rules.communities_in_scope(
            self.user, [c.pk for candidates in found.values() for c in candidates]
        )
        # The same names in several cities: the one in the user's area is meant.
        places = {
            names: next((c for c in candidates if c.pk in in_scope), candidates[0])
            for names, candidates in found.items()
        }
        # Only the cities of communities the rule lets through are read further.
        cities = cities_of({c.path for c in places.values() if c.pk in in_scope})
        city_ids = {city.pk for city in cities.values() if city}
        in_area = set(Compound.objects.restrict(self.user, "change").values_list("pk", flat=True))
        existing, by_code, by_name = {}, {}, {}
        fields = ("pk", "community_id", "community__parent__parent_id", "city_id", *COMPOUND_FIELDS)
        for values in Compound.objects.filter(city_id__in=city_ids).values(*fields):
            existing[values["pk"]] = values
            if values["code"]:
                by_code[(values["city_id"], values["code"])] = values["pk"]
            by_name.setdefault((values["community__parent__parent_id"], values["name"]), []).append(
                values["pk"]
            )
        policies = {city.pk: policy_in_force(city) for city in {c for c in cities.values() if c}}

        creates, updates, seen = [], {}, {}
        for number, values in rows:
            where = (values.get("district"), values.get("street"), values.get("community"))
            if where not in wheres:
                continue  # a place left empty or unreadable: already reported
            community = places.get(where)
            if community is None:
                report.add_error(number, *missing[where])
                continue
            try:
                rules.check_community(community, in_scope=community.pk in in_scope)
            except ValidationError as error:
                self.report_invalid(report, number, error, column="社区")
                continue
            city, district_pk = cities[community.path], community.district_pk
            code = values.get("code") or ""
            if not code and not values.get("name"):
                continue  # neither code nor name could be read: already reported
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
            if match is not None and match not in in_area:
                report.add_error(number, "小区编码", _("This code belongs to a compound outside your area."))
                continue
            rules.check_code_free(code, holder=by_code.get((city.pk, code)), own=match)
            if report.has_errors(number):
                continue
            # An empty cell gives a new compound the default the guide names and leaves an existing
            # one's value as it is: a file never wipes what was saved (the pool a project set).
            data = {
                **(self.DEFAULTS if match is None else {}),
                **{k: v for k, v in values.items() if k in COMPOUND_FIELDS and v is not None},
            }
            data["community_id"] = community.pk
            data["city_id"] = city.pk
            if match is None:
                report.new += 1
                creates.append((data, community.path))
                continue
            changed = {k: v for k, v in data.items() if existing[match].get(k) != v}
            if changed:
                report.updated += 1
                updates[match] = (changed, community.path)
            else:
                report.unchanged += 1
        return creates, updates, policies

    def save(self, plan, report):
        creates, updates, policies = plan
        audit, paths = [], []
        new_objects = []
        for data, path in creates:
            compound = Compound(**data)
            compound.eligibility = verdict(compound, policies[compound.city_id])
            new_objects.append(compound)
            paths.append(path)
        Compound.objects.bulk_create(new_objects, batch_size=1000)
        audit += [
            (c, AuditEntry.Action.IMPORT, {k: str(v) for k, v in _loggable(c).items()}) for c in new_objects
        ]

        def judge(compound):
            compound.eligibility = verdict(compound, policies[compound.city_id])

        applied = bulk_apply_changes(
            Compound,
            {pk: changed for pk, (changed, _path) in updates.items()},
            derive=judge,
            derived_fields=["eligibility"],
        )
        for pk, (compound, diff) in applied.items():
            audit.append(
                (
                    compound,
                    AuditEntry.Action.UPDATE,
                    {k: [change_text(old), change_text(new)] for k, (old, new) in diff.items()},
                )
            )
            paths.append(updates[pk][1])
        compounds_changed([*(c.pk for c in new_objects), *applied])
        bulk_audit(actor=self.user, entries=audit, summary=_("spreadsheet import"), region_paths=paths)

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


def _loggable(compound):
    return {
        field: getattr(compound, field)
        for field in COMPOUND_FIELDS
        if getattr(compound, field) not in ("", None)
    }


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
            help=gettext_lazy("The code of a compound in your area."),
        ),
        Column(
            "楼栋号",
            "number",
            required=True,
            parse=partial(text, max_length=20),
            example="3号楼",
            help=gettext_lazy("The building's number in the compound, as on its plate."),
        ),
        Column(
            "层数",
            "storeys",
            required=True,
            parse=partial(integer, minimum=1, maximum=100),
            example=6,
            help=gettext_lazy("Storeys above ground."),
        ),
        Column(
            "单元数",
            "units",
            parse=partial(integer, minimum=1),
            example=3,
            help=gettext_lazy("Stairwells (units). Empty: 1."),
        ),
        Column(
            "户数",
            "household_count",
            parse=partial(integer, minimum=0),
            example=36,
            help=gettext_lazy("Households in the building."),
        ),
        Column(
            "建成年份",
            "year_built",
            parse=year,
            example=1995,
            help=gettext_lazy("The year the building was completed."),
        ),
        Column(
            "有无电梯",
            "has_lift",
            parse=boolean,
            choices={"有": True, "无": False},
            example="无",
            help=gettext_lazy("Whether the building has a lift."),
        ),
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
            if not values.get("compound_code"):
                continue  # empty or unreadable: already reported
            compound_pk = compounds.get(values["compound_code"])
            if compound_pk is None:
                report.add_error(number, "小区编码", _("No compound with this code in your area."))
                continue
            if not values.get("number"):
                continue
            key = (compound_pk, values["number"])
            if key in seen:
                report.add_error(number, "楼栋号", _("Same building as row %(row)d.") % {"row": seen[key]})
                continue
            seen[key] = number
            if report.has_errors(number):
                continue
            old = existing.get(key)
            data = {  # as for compounds: defaults for a new building only
                **(self.DEFAULTS if old is None else {}),
                **{k: v for k, v in values.items() if k in self.FIELDS and v is not None},
            }
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
        applied = bulk_apply_changes(Building, dict(updates))
        compounds = {
            c.pk: c
            for c in Compound.objects.filter(
                pk__in={b.compound_id for b in [*creates, *(obj for obj, _d in applied.values())]}
            ).select_related("community")
        }
        entries = [
            (compounds[b.compound_id], AuditEntry.Action.IMPORT, {"building": b.number}) for b in creates
        ]
        entries += [
            (
                compounds[building.compound_id],
                AuditEntry.Action.UPDATE,
                {"building": building.number, **{k: str(new) for k, (_old, new) in diff.items()}},
            )
            for building, diff in applied.values()
        ]
        bulk_audit(
            actor=self.user,
            entries=entries,
            summary=_("buildings imported"),
            region_paths=[compound.community.path for compound, *_rest in entries],
        )

    def export_rows(self, queryset):
        for b in queryset.select_related("compound").iterator(chunk_size=2000):
            yield (b.compound.code, b.number, b.storeys, b.units, b.household_count, b.year_built,
                   "有" if b.has_lift else "无")  # fmt: skip
