"""The funding channels of the seeds (汾阳 五, 淄博 六(二), 咸宁 二(三), 宿州 三) as reference data;
administrators add or retire sources in the administration site."""

from django.db import migrations

SOURCES = [
    ("central_subsidy", "中央补助资金", "central"),
    ("provincial_subsidy", "省级补助资金", "provincial"),
    ("city_budget", "市级财政资金", "city"),
    ("district_budget", "区县财政资金", "district"),
    ("special_bond", "地方政府专项债券", "bond"),
    ("residents_cash", "居民出资（现金）", "residents"),
    ("provident_fund", "住房公积金", "residents"),
    ("maintenance_fund", "住宅专项维修资金", "residents"),
    ("shared_income", "小区公共收益", "residents"),
    ("utility", "专营单位出资", "utility"),
    ("original_owner", "原产权单位出资", "original_owner"),
    ("social_capital", "社会资本", "social_capital"),
    ("policy_loan", "政策性银行贷款", "loan"),
    ("other", "其他资金", "other"),
]


def add_sources(apps, schema_editor):
    FundingSource = apps.get_model("funding", "FundingSource")
    for order, (code, name, category) in enumerate(SOURCES, start=1):
        FundingSource.objects.get_or_create(
            code=code, defaults={"name": name, "category": category, "order": order * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("funding", "0001_sources_plans_receipts_disbursements")]
    operations = [migrations.RunPython(add_sources, migrations.RunPython.noop)]
