"""What each role may do with residents' models (org.roles names the roles; this grants them).

Street offices survey the residents, enter their answers, collect their contributions and take
complaints at the door: a street clerk keeps the households of her street and sees their names and
phone numbers in full (``view_personal_data``). District and city staff keep the same records in
their area and see personal data masked; they may reveal one household's, with a reason written in
the audit log (``unmask_personal_data``). Reviewers read the contributions (the residents' money),
leaders and auditors read everything, masked. docs/privacy.md states who sees what."""

from org.roles import (
    AUDITOR,
    CITY_STAFF,
    DEPT_REVIEWER,
    DISTRICT_STAFF,
    LEADER,
    STREET_CLERK,
    SYSADMIN,
    grant,
)

MODELS = ("household", "surveycampaign", "surveyresponse", "contribution", "complaint")
READ = tuple(f"residents.view_{model}" for model in MODELS)
KEEP = tuple(f"residents.{action}_{model}" for model in MODELS for action in ("add", "change", "delete"))
SEE_PERSONAL = ("residents.view_personal_data",)
UNMASK = ("residents.unmask_personal_data",)
RULES_READ = ("residents.view_residentpolicy",)
RULES_KEEP = (
    "residents.add_residentpolicy",
    "residents.change_residentpolicy",
    "residents.delete_residentpolicy",
)


def register():
    for role in (CITY_STAFF, DISTRICT_STAFF, STREET_CLERK, LEADER, AUDITOR):
        grant(role, *READ)
    for role in (CITY_STAFF, DISTRICT_STAFF, STREET_CLERK):
        grant(role, *KEEP)
    grant(STREET_CLERK, *SEE_PERSONAL)
    grant(CITY_STAFF, *UNMASK)
    grant(DISTRICT_STAFF, *UNMASK)
    # Finance reviewers follow the residents' money: contributions and the households they name.
    grant(DEPT_REVIEWER, "residents.view_contribution", "residents.view_household")
    for role in (CITY_STAFF, LEADER, AUDITOR, SYSADMIN):
        grant(role, *RULES_READ)
    grant(CITY_STAFF, *RULES_KEEP)
    grant(SYSADMIN, *RULES_KEEP)
