"""How funding's records read in the change history (core.changes): a funding rule's figures are
recorded on its policy's history under the rule's name, each by the rule's own field."""

from core.changes import register_change_key
from org.models import CityPolicy

from .models import FundingRule

# The rule's fields a policy entry records that the policy itself lacks (its date, number and note
# read through the policy's own fields of the same names).
RULE_KEYS = (
    "kind", "source", "category", "items", "percentage", "provincial_plan_only", "per_household_unit_building",
    "per_household_other", "note",
)  # fmt: skip


def register():
    for name in RULE_KEYS:
        field = FundingRule._meta.get_field(name)
        register_change_key(
            CityPolicy, name, field.verbose_name, field=(FundingRule, name), many=field.many_to_many
        )
