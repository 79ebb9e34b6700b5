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


def register():
    for role in (CITY_STAFF, DISTRICT_STAFF, STREET_CLERK, DEPT_REVIEWER, LEADER, AUDITOR):
        grant(role, *READ)
    grant(CITY_STAFF, *PLAN, *REQUEST)
    grant(DISTRICT_STAFF, *PLAN, *REQUEST)
    grant(STREET_CLERK, *REQUEST)
    grant(DEPT_REVIEWER, *RECEIVE)
    grant(SYSADMIN, "funding.view_fundingsource", *SOURCES)
