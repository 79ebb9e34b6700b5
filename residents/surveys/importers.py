"""Spreadsheet import and export of survey answers (``import_data survey_responses``,
``export_data survey_responses``, and the campaign page's import).

One row per household: the survey by its number (调查编号, on the campaign's page), the household by
its compound (code or name), building, unit and room, then the answer. A needs survey fills 是否同意,
想要的改造内容 (catalogue items separated by 、), 愿意出资 and 出资金额（元）; a satisfaction survey fills
总体满意度 and a score per item category (a column per ItemCategory row). Every answer goes through
``residents.surveys.rules.check_answer`` and is saved by ``response_save``, as the entry grid's rows
are. A household answers a survey once: a second row for it, or a row for a household that has
answered already with other values, is refused; the same file imported twice changes nothing."""

import re
from decimal import Decimal
from functools import partial

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.importing import (
    CellError,
    Column,
    Importer,
    boolean,
    date,
    decimal,
    described,
    integer,
    register_importer,
    text,
)
from projects.models import Compound, ItemCategory, RenovationItem
from residents.models import Household, SurveyCampaign, SurveyResponse

from .rules import AnswerLookups, category_score_key, check_answer
from .services import response_save

CAMPAIGN, COMPOUND, BUILDING, UNIT, ROOM = "调查编号", "小区", "楼栋", "单元", "房号"
ORIGIN, ANSWERED_ON, AGREES, OVERALL = "来源", "调查日期", "是否同意", "总体满意度"
ITEMS, WILLING, AMOUNT, COMMENT = "想要的改造内容", "愿意出资", "出资金额（元）", "意见建议"
ORIGINS = {"入户": "door", "纸质": "paper", "电话": "phone", "线上": "online"}
AGREEMENTS = {"同意": "yes", "不同意": "no", "未决定": "undecided"}
ITEM_SEPARATORS = re.compile(r"[、，,;；\n]+")
MAX_AMOUNT = Decimal("999999999999.99")


@described(lambda: _("A whole number from 1 to 5"))
def score(value):
    if value is None or str(value).strip() == "":
        return None
    try:
        number = integer(value)
    except CellError:
        number = None
    if number is None or not 1 <= number <= 5:
        raise CellError(_("A score is a whole number from 1 to 5 (this is “%(value)s”).") % {"value": value})
    return number


@described(lambda: _("是 or 否; empty when not asked"))
def yes_no_or_empty(value):
    if value is None or str(value).strip() == "":
        return None
    return boolean(value)


@described(lambda: _("Names of catalogue items, separated by 、"))
def item_names(value):
    written = text(value, max_length=2000)
    return [name.strip() for name in ITEM_SEPARATORS.split(written) if name.strip()]


def category_header(category):
    return f"{category.name}满意度"


class CategoryColumns:
    """The importer's columns: fixed ones around a score column per item category, read from the
    catalogue when asked (a city may add a category)."""

    def __get__(self, obj, owner=None):
        categories = [
            Column(category_header(category), category_score_key(category), parse=score, example="",
                   help=gettext_lazy("Satisfaction survey: the score of this category's items, 1 (poor) to 5 (very good)."))
            for category in ItemCategory.objects.order_by("order", "code")
        ]  # fmt: skip
        return (*LEADING, *categories, *TRAILING)


LEADING = (
    Column(CAMPAIGN, "campaign", required=True, parse=partial(integer, minimum=1), example=1,
           help=gettext_lazy("The survey's number, shown on its page.")),
    Column(COMPOUND, "compound", required=True, parse=partial(text, max_length=100), example="华光路一号院", width=18,
           help=gettext_lazy("The household's compound, by its code or its name.")),
    Column(BUILDING, "building", required=True, parse=partial(text, max_length=20), example="1号楼",
           help=gettext_lazy("The building's number as the compound's page shows it, e.g. 3号楼.")),
    Column(UNIT, "unit", parse=partial(text, max_length=10), example="1单元",
           help=gettext_lazy("The stairwell unit, e.g. 2单元; empty for a building without units.")),
    Column(ROOM, "room", required=True, parse=partial(text, max_length=20), example="101",
           help=gettext_lazy("The room as posted on the door, e.g. 301.")),
    Column(ORIGIN, "origin", required=True, choices=ORIGINS, example="纸质",
           help=gettext_lazy("How the answer was taken: 入户 door-to-door, 纸质 paper, 电话 phone, 线上 online.")),
    Column(ANSWERED_ON, "answered_on", required=True, parse=date, example="2026-03-31",
           help=gettext_lazy("The day of the answer, within the survey's dates.")),
    Column(AGREES, "agrees", choices=AGREEMENTS, example="同意",
           help=gettext_lazy("Needs survey: whether the household agrees to the renovation.")),
    Column(OVERALL, "overall_score", parse=score,
           help=gettext_lazy("Satisfaction survey: the overall score, 1 (poor) to 5 (very good).")),
)  # fmt: skip
TRAILING = (
    Column(ITEMS, "wanted_items", parse=item_names, example="", width=30,
           help=gettext_lazy("Needs survey: the catalogue's items the household wants, separated by 、.")),
    Column(WILLING, "willing_to_contribute", parse=yes_no_or_empty, example="是",
           help=gettext_lazy("Needs survey: whether the household is willing to contribute.")),
    Column(AMOUNT, "contribution_amount", parse=partial(decimal, places=2, minimum=0, maximum=MAX_AMOUNT),
           example=1500, help=gettext_lazy("Needs survey: how much it would contribute, in yuan.")),
    Column(COMMENT, "comment", parse=partial(text, max_length=500), width=30,
           help=gettext_lazy("What the household said besides.")),
)  # fmt: skip
ANSWER_KEYS = (
    "origin", "answered_on", "agrees", "overall_score", "willing_to_contribute", "contribution_amount", "comment",
)  # fmt: skip


def _answer_values(values, categories):
    answer = {key: values.get(key) for key in ANSWER_KEYS}
    answer["agrees"] = answer["agrees"] or ""
    answer["comment"] = answer["comment"] or ""
    answer["category_scores"] = {
        category.pk: values[category_score_key(category)]
        for category in categories
        if values.get(category_score_key(category)) is not None
    }
    return answer


def _same_answer(response, answer, items):
    stored = {key: getattr(response, key) for key in ANSWER_KEYS}
    stored["contribution_amount"] = response.contribution_amount
    if any(stored[key] != answer[key] for key in ANSWER_KEYS):
        return False
    scores = {score.category_id: score.score for score in response.category_scores.all()}
    return scores == answer["category_scores"] and {i.pk for i in response.wanted_items.all()} == {
        i.pk for i in items
    }


@register_importer
class SurveyResponseImporter(Importer):
    kind = "survey_responses"
    label = gettext_lazy("survey answers")
    model = SurveyResponse
    columns = CategoryColumns()

    def campaigns(self, numbers):
        return {
            campaign.pk: campaign
            for campaign in SurveyCampaign.objects.restrict(self.user)
            .filter(pk__in=numbers)
            .prefetch_related("compounds")
        }

    def households(self, compounds):
        """{(compound id, building number, unit, room): household} of the user's households there."""
        rows = Household.objects.restrict(self.user).filter(compound__in=compounds).select_related("building")
        return {(h.compound_id, h.building.number, h.unit, h.room): h for h in rows}

    def find_compound(self, number, written, campaign, compounds, report):
        """The compound named ``written`` (code or name), if the user may see it and the survey covers it."""
        covered = [c for c in campaign.compounds.all() if written in (c.code, c.name)]
        if len(covered) == 1:
            return covered[0]
        if len(covered) > 1:
            report.add_error(
                number, COMPOUND, _("Several compounds of the survey have this name; write its code.")
            )
            return None
        if any(written in (c.code, c.name) for c in compounds):
            report.add_error(
                number, COMPOUND, _("The survey %(number)d does not cover %(compound)s.")
                % {"number": campaign.pk, "compound": written},
            )  # fmt: skip
        else:
            report.add_error(number, COMPOUND, _("No compound of this code or name in your area."))
        return None

    def find_household(self, number, values, compound, households, report):
        building, unit, room = values.get("building", ""), values.get("unit", ""), values.get("room", "")
        for candidate_building in (building, f"{building}号楼"):
            for candidate_unit in (unit, f"{unit}单元" if unit else unit):
                household = households.get((compound.pk, candidate_building, candidate_unit, room))
                if household is not None:
                    return household
        report.add_error(
            number, ROOM, _("No household of %(compound)s lives at %(address)s.")
            % {"compound": compound.name, "address": f"{building}{unit}{room}"},
        )  # fmt: skip
        return None

    def find_items(self, number, names, items, report):
        unknown = [name for name in names if name not in items]
        if unknown:
            report.add_error(
                number, ITEMS, _("No item of the catalogue is called %(names)s.")
                % {"names": "、".join(f"“{name}”" for name in unknown)},
            )  # fmt: skip
        return [items[name] for name in names if name in items]

    def plan(self, rows, report):
        campaigns = self.campaigns({values["campaign"] for _n, values in rows if values.get("campaign")})
        written = {values["compound"] for _n, values in rows if values.get("compound")}
        compounds = list(
            Compound.objects.restrict(self.user).filter(Q(code__in=written) | Q(name__in=written))
        )
        covered = {c.pk for campaign in campaigns.values() for c in campaign.compounds.all()}
        households = self.households([c for c in compounds if c.pk in covered])
        items = {item.name: item for item in RenovationItem.objects.filter(active=True)}
        categories = list(ItemCategory.objects.all())
        existing = {
            (response.campaign_id, response.household_id): response
            for response in SurveyResponse.objects.filter(
                campaign__in=list(campaigns.values())
            ).prefetch_related("wanted_items", "category_scores")
        }
        lookups = AnswerLookups.load(list(campaigns.values()))
        headers = {column.key: column.header for column in self.columns}
        headers["household"] = ROOM
        headers["category_scores"] = OVERALL
        planned, seen = [], {}
        for number, values in rows:
            campaign = campaigns.get(values.get("campaign"))
            if campaign is None:
                if values.get("campaign"):
                    report.add_error(number, CAMPAIGN, _("No survey of this number in your area."))
                continue
            compound = values.get("compound") and self.find_compound(
                number, values["compound"], campaign, compounds, report
            )
            household = (
                compound
                and values.get("room")
                and self.find_household(number, values, compound, households, report)
            )
            wanted = self.find_items(number, values.get("wanted_items") or [], items, report)
            if not household:
                continue
            key = (campaign.pk, household.pk)
            if key in seen:
                report.add_error(
                    number, ROOM, _("The household answered already in row %(row)d.") % {"row": seen[key]}
                )
                continue
            seen[key] = number
            answer = _answer_values(values, categories)
            old = existing.get(key)
            if old is not None and not report.has_errors(number):
                if _same_answer(old, answer, wanted):
                    report.unchanged += 1
                else:
                    report.add_error(number, ROOM, _("This household has already answered this survey."))
                continue
            errors = check_answer(campaign, household, {**answer, "wanted_items": wanted}, lookups=lookups)
            # A cell that did not read is named once, for what was wrong with it as written.
            named = {error.column for error in report.errors if error.row == number}
            for key_name, message in errors.items():
                if headers.get(key_name, ROOM) not in named:
                    report.add_error(number, headers.get(key_name, ROOM), message)
            if report.has_errors(number):
                continue
            report.new += 1
            planned.append((campaign, household, {**answer, "wanted_items": wanted}))
        return planned

    def save(self, plan, report):
        for campaign, household, values in plan:
            response_save(actor=self.user, campaign=campaign, household=household, values=values)

    def export_rows(self, queryset):
        categories = list(ItemCategory.objects.order_by("order", "code"))
        origins = {value: label for label, value in ORIGINS.items()}
        agreements = {value: label for label, value in AGREEMENTS.items()}
        queryset = queryset.select_related("household__building", "household__compound").prefetch_related(
            "wanted_items", "category_scores"
        )
        for response in queryset.iterator(chunk_size=2000):
            household = response.household
            scores = {score.category_id: score.score for score in response.category_scores.all()}
            willing = response.willing_to_contribute
            yield (
                response.campaign_id,
                household.compound.code or household.compound.name,
                household.building.number,
                household.unit,
                household.room,
                origins.get(response.origin, ""),
                response.answered_on,
                agreements.get(response.agrees, ""),
                response.overall_score,
                *(scores.get(category.pk) for category in categories),
                "、".join(item.name for item in response.wanted_items.all()),
                "" if willing is None else ("是" if willing else "否"),
                response.contribution_amount,
                response.comment,
            )
