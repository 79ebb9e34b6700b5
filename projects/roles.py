"""What each role may do with projects' models (org.roles names the roles; this grants them)."""

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

# Everyone who reads the registry reads compounds, projects and everything recorded on them.
READ_REGISTRY = (
    "projects.view_compound", "projects.view_building", "projects.view_renovationitem", "projects.view_project",
    "projects.view_projectitem", "projects.view_progressreport", "projects.view_inspection",
    "projects.view_finding", "projects.view_attachment", "projects.view_projectprerequisite",
    "projects.view_projectpolicy",
)  # fmt: skip
# Street offices and districts prepare and build projects; the city records approvals, acceptance, audit.
RUN_PROJECTS = (
    "projects.add_project", "projects.change_project", "projects.advance_project",
    "projects.add_projectitem", "projects.change_projectitem", "projects.delete_projectitem",
    "projects.add_progressreport", "projects.add_attachment", "projects.delete_attachment",
    "projects.add_projectprerequisite", "projects.change_projectprerequisite",
    "projects.delete_projectprerequisite",
)  # fmt: skip
# Districts and the city inspect (督导检查) and close what they found once it is put right.
INSPECT = ("projects.add_inspection", "projects.change_finding")
CATALOGUE_ADMIN = (
    "projects.add_renovationitem",
    "projects.change_renovationitem",
    "projects.delete_renovationitem",
)
KEEP_REGISTRY = (
    *READ_REGISTRY, "projects.add_compound", "projects.change_compound",
    "projects.add_building", "projects.change_building", "projects.delete_building",
)  # fmt: skip
# Annual quotas (年度任务): the city's programme office enters the province's quota and splits it to
# the districts; the districts, departments, leaders and auditors read them; street offices do not.
READ_QUOTAS = ("projects.view_annualquota",)
KEEP_QUOTAS = (
    *READ_QUOTAS,
    "projects.add_annualquota",
    "projects.change_annualquota",
    "projects.delete_annualquota",
)
# The projects' section of a city policy is edited with the policy (org.policy).
POLICY_RULES = (
    "projects.add_projectpolicy",
    "projects.change_projectpolicy",
    "projects.delete_projectpolicy",
)


def register():
    grant(
        CITY_STAFF, *KEEP_REGISTRY, "projects.delete_compound", *CATALOGUE_ADMIN, *RUN_PROJECTS,
        "projects.delete_project", "projects.approve_project", *INSPECT, *POLICY_RULES, *KEEP_QUOTAS,
    )  # fmt: skip
    grant(
        DISTRICT_STAFF,
        *KEEP_REGISTRY,
        "projects.delete_compound",
        *RUN_PROJECTS,
        "projects.delete_project",
        *INSPECT,
        *READ_QUOTAS,
    )
    grant(STREET_CLERK, *KEEP_REGISTRY, *RUN_PROJECTS)
    # The system administrator keeps policies with the city (org.roles), rules included.
    grant(SYSADMIN, "projects.view_projectpolicy", *POLICY_RULES)
    for reader in (DEPT_REVIEWER, LEADER, AUDITOR):
        grant(reader, *READ_REGISTRY, *READ_QUOTAS)
