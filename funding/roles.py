"""What each role may do with funding's models (org.roles names the roles; this grants them).

Finance reviewers record what arrived and decide disbursements (through the disbursement flow,
whose stage is the finance bureau); the city bureau and the districts plan a project's money and
request disbursements for their projects, as do the street offices that run projects (they see
only the residents' share: funding.models.MoneyScope); leaders and auditors read it all. Every
money write is in the audit log."""

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

READ = (
    "funding.view_fundingsource", "funding.view_fundingplanline", "funding.view_fundreceipt",
    "funding.view_disbursement",
)  # fmt: skip
PLAN = ("funding.add_fundingplanline", "funding.change_fundingplanline", "funding.delete_fundingplanline")
REQUEST = ("funding.add_disbursement",)
RECEIVE = ("funding.add_fundreceipt", "funding.reverse_disbursement")
SOURCES = ("funding.add_fundingsource", "funding.change_fundingsource", "funding.delete_fundingsource")
# Funding's section of a city policy and its rules: kept with the policy by whoever keeps policies
# (org.roles POLICY_ADMIN), read by whoever reads them.
RULES_READ = ("funding.view_fundingpolicy", "funding.view_fundingrule")
RULES_KEEP = (
    "funding.add_fundingpolicy", "funding.change_fundingpolicy", "funding.delete_fundingpolicy",
    "funding.add_fundingrule", "funding.change_fundingrule", "funding.delete_fundingrule",
)  # fmt: skip


def register():
    for role in (CITY_STAFF, DISTRICT_STAFF, STREET_CLERK, DEPT_REVIEWER, LEADER, AUDITOR):
        grant(role, *READ)
    grant(CITY_STAFF, *PLAN, *REQUEST)
    grant(DISTRICT_STAFF, *PLAN, *REQUEST)
    grant(STREET_CLERK, *REQUEST)
    grant(DEPT_REVIEWER, *RECEIVE)
    grant(SYSADMIN, "funding.view_fundingsource", *SOURCES)
    for role in (CITY_STAFF, LEADER, AUDITOR, SYSADMIN):
        grant(role, *RULES_READ)
    grant(CITY_STAFF, *RULES_KEEP)
    grant(SYSADMIN, *RULES_KEEP)
