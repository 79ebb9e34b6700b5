"""Spreadsheet import and export of annual quotas (``import_data quotas``, ``export_data quotas``).

A row is a city's or a district's quota for a year, named by 年度 and 行政区划 (the region's name,
or its division code). Rows are saved through the quota services, so importing the same file
twice changes nothing the second time. A column left out of the file changes nothing; an empty
cell of a figure counts 0, as on the page.
"""

from decimal import Decimal
from functools import partial

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.importing import Column, Importer, decimal, described, integer, register_importer, text
from core.money import export_wan, wan_cell
from org.models import Region
from projects.models import AnnualQuota
from projects.models.quota import FIRST_YEAR, LAST_YEAR, QUOTA_LEVELS

from .services import QUOTA_FIELDS, quota_save

YEAR, REGION = "年度", "行政区划"
MAX_WAN = Decimal("99999999.999999")  # the most the investment field stores, in 万元
MAX_COUNT = 2_000_000_000
FIGURES = ("compounds", "households", "buildings", "floor_area", "investment")


@described(lambda: _("A year from %(first)d to %(last)d") % {"first": FIRST_YEAR, "last": LAST_YEAR})
def quota_year(value):
    return integer(value, minimum=FIRST_YEAR, maximum=LAST_YEAR)


investment_wan = partial(wan_cell, minimum=0, maximum=MAX_WAN)
count = partial(integer, minimum=0, maximum=MAX_COUNT)
area = partial(decimal, places=2, minimum=0, maximum=Decimal("9999999999.99"))


def _half_width(header):
    """Headers typed with half-width brackets (小区数(个)) read as the template's （）."""
    return str(header).strip().replace("(", "（").replace(")", "）")


@register_importer
class QuotaImporter(Importer):
    kind = "quotas"
    label = gettext_lazy("annual quotas")
    model = AnnualQuota
    columns = (
        Column(YEAR, "year", required=True, parse=quota_year, example=2026,
               help=gettext_lazy("The year of the quota.")),
        Column(REGION, "region", required=True, parse=partial(text, max_length=100), example="张店区", width=16,
               help=gettext_lazy("The city (the province's quota to it) or one of its districts or counties (its "
                                 "share), by its name or division code.")),
        Column("小区数（个）", "compounds", parse=count, example=12, help=gettext_lazy("Compounds to renovate.")),
        Column("户数（户）", "households", parse=count, example=3600,
               help=gettext_lazy("Households of those compounds.")),
        Column("楼栋数（栋）", "buildings", parse=count, example=90,
               help=gettext_lazy("Residential buildings of those compounds.")),
        Column("建筑面积（m²）", "floor_area", parse=area, example=280000, width=16,
               help=gettext_lazy("Floor area of those compounds, in m².")),
        Column("投资（万元）", "investment", parse=investment_wan, example=8400, width=16,
               help=gettext_lazy("Planned investment, in 10k yuan (万元): 24 is 240,000 yuan.")),
        Column("备注", "note", parse=partial(text, max_length=200), width=30,
               help=gettext_lazy("Anything else worth knowing (the document that set the quota, say).")),
    )  # fmt: skip

    def match_headers(self, headers):
        return super().match_headers([_half_width(header) for header in headers])

    def regions(self):
        """The cities and districts whose quotas the user keeps, by name and by division code."""
        regions = Region.objects.filter(level__in=QUOTA_LEVELS)
        paths = self.user.get_scope_paths()
        if paths is not None:
            within = Q(pk__in=[])
            for path in paths:
                within |= Q(path__startswith=path)
            regions = regions.filter(within)
        by_name, by_code = {}, {}
        for region in regions.order_by("path"):
            by_name.setdefault(region.name, []).append(region)
            by_code[region.code] = region
        return by_name, by_code

    def find_region(self, number, written, by_name, by_code, report):
        if written in by_code:
            return by_code[written]
        matches = by_name.get(written, [])
        if not matches:
            report.add_error(number, REGION, _("No city or district of this name in your area."))
            return None
        if len(matches) > 1:
            report.add_error(
                number, REGION, _("Several regions of your area have this name; write its division code.")
            )
            return None
        return matches[0]

    def plan(self, rows, report):
        by_name, by_code = self.regions()
        resolved = []
        for number, values in rows:
            region = values.get("region") and self.find_region(
                number, values["region"], by_name, by_code, report
            )
            if region is not None and not report.has_errors(number):
                resolved.append((number, values, region))
        existing = {
            (quota.region_id, quota.year): quota
            for quota in AnnualQuota.objects.filter(
                region__in=[region for _n, _v, region in resolved],
                year__in={values["year"] for _n, values, _r in resolved},
            )
        }
        planned, seen = [], {}
        for number, values, region in resolved:
            key = (region.pk, values["year"])
            if key in seen:
                report.add_error(number, REGION, _("Same quota as row %(row)d.") % {"row": seen[key]})
                continue
            seen[key] = number
            figures = {name: values[name] for name in QUOTA_FIELDS if name in values}
            figures.update({name: 0 for name in FIGURES if name in figures and figures[name] is None})
            old = existing.get(key)
            if old is None:
                report.new += 1
            elif any(getattr(old, name) != value for name, value in figures.items()):
                report.updated += 1
            else:
                report.unchanged += 1
            planned.append((region, values["year"], figures))
        return planned

    def save(self, plan, report):
        for region, year, figures in plan:
            quota_save(actor=self.user, region=region, year=year, **figures)

    def export_rows(self, queryset):
        for quota in queryset.select_related("region").iterator(chunk_size=2000):
            yield (
                quota.year,
                quota.region.name,
                quota.compounds,
                quota.households,
                quota.buildings,
                quota.floor_area,
                export_wan(quota.investment),
                quota.note,
            )
