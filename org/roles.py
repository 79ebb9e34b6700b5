"""Roles are Django groups; this table says which model permissions each one holds.

Later issues add their models' permissions to the table. ``sync_roles`` runs after every migrate,
so a deployment's groups always match the code (extra permissions given by hand are kept).
"""

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _

CITY_STAFF = "city_staff"
DISTRICT_STAFF = "district_staff"
STREET_CLERK = "street_clerk"
DEPT_REVIEWER = "dept_reviewer"
LEADER = "leader"
AUDITOR = "auditor"
SYSADMIN = "sysadmin"


@dataclass(frozen=True)
class Role:
    code: str
    label: str
    description: str
    permissions: tuple


# Jobs and imports are their owner's own (OwnerScope); the permission only opens the pages.
READ_ORG = ("org.view_region", "org.view_organisation", "core.view_job", "core.view_importbatch")
READ_REGISTRY = (
    "projects.view_compound", "projects.view_building", "projects.view_renovationitem", "projects.view_project",
    "projects.view_projectitem", "projects.view_progressreport", "projects.view_inspection",
    "projects.view_finding", "projects.view_attachment", "projects.view_projectprerequisite",
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
POLICY_ADMIN = ("org.view_citypolicy", "org.add_citypolicy", "org.change_citypolicy", "org.delete_citypolicy")

ROLES = {
    role.code: role
    for role in (
        Role(
            CITY_STAFF,
            _("City bureau staff"),
            _("Keeps the compound database and follows every project of the city."),
            (*READ_ORG, "org.add_region", "org.change_region", "org.delete_region", *POLICY_ADMIN,
             *KEEP_REGISTRY, "projects.delete_compound", *CATALOGUE_ADMIN,
             *RUN_PROJECTS, "projects.delete_project", "projects.approve_project", *INSPECT),
        ),
        Role(
            DISTRICT_STAFF,
            _("District staff"),
            _("Responsible for the projects of one district or county."),
            (*READ_ORG, *KEEP_REGISTRY, "projects.delete_compound", *RUN_PROJECTS, "projects.delete_project",
             *INSPECT),
        ),
        Role(
            STREET_CLERK,
            _("Street clerk"),
            _("Surveys residents and declares candidates for one street or town."),
            (*READ_ORG, *KEEP_REGISTRY, *RUN_PROJECTS),
        ),
        Role(
            DEPT_REVIEWER,
            _("Department reviewer"),
            _("Reviews and pays for a department (finance, development and reform, ...)."),
            (*READ_ORG, *READ_REGISTRY),
        ),
        Role(
            LEADER,
            _("Leader"),
            _("Reads everything in the region; changes nothing."),
            (*READ_ORG, *READ_REGISTRY, "org.view_citypolicy"),
        ),
        Role(
            AUDITOR,
            _("Auditor"),
            _("Read-only, plus the audit log."),
            (*READ_ORG, *READ_REGISTRY, "org.view_citypolicy", "core.view_auditentry"),
        ),
        Role(
            SYSADMIN,
            _("System administrator"),
            _("Manages regions, organisations and users in the administration site."),
            (*READ_ORG, "org.add_region", "org.change_region", "org.delete_region",
             "org.add_organisation", "org.change_organisation", "org.delete_organisation",
             "org.view_user", "org.add_user", "org.change_user", "org.delete_user",
             "auth.view_group", "core.view_auditentry", "core.view_system_status", *POLICY_ADMIN),
        ),
    )
}  # fmt: skip


def role_label(code):
    role = ROLES.get(code)
    return role.label if role else code


def _permission(name):
    app_label, codename = name.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def sync_roles():
    """Create each role's group and give it the permissions of the table."""
    for role in ROLES.values():
        group, _created = Group.objects.get_or_create(name=role.code)
        group.permissions.add(*[_permission(name) for name in role.permissions])


def sync_roles_after_migrate(sender, using="default", **kwargs):
    # Permissions are created by another post_migrate receiver; make sure they exist first.
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    for config in apps.get_app_configs():
        create_permissions(config, verbosity=0, using=using)
    sync_roles()
