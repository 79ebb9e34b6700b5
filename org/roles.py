"""Roles are Django groups. org names the roles; each app grants them its own model permissions
(``grant``) from its AppConfig.ready(), so org knows no other app's permissions. ``sync_roles`` runs
after every migrate, so a deployment's groups always match the code (extra permissions given by
hand are kept).
"""

from collections import defaultdict
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth.management import create_permissions
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


ROLES = {
    role.code: role
    for role in (
        Role(CITY_STAFF, _("City bureau staff"), _("Keeps the compound database and follows every project of the city.")),
        Role(DISTRICT_STAFF, _("District staff"), _("Responsible for the projects of one district or county.")),
        Role(STREET_CLERK, _("Street clerk"), _("Surveys residents and declares candidates for one street or town.")),
        Role(DEPT_REVIEWER, _("Department reviewer"), _("Reviews and pays for a department (finance, development and reform, ...).")),
        Role(LEADER, _("Leader"), _("Reads everything in the region; changes nothing.")),
        Role(AUDITOR, _("Auditor"), _("Read-only, plus the audit log.")),
        Role(SYSADMIN, _("System administrator"), _("Manages regions, organisations and users in the administration site.")),
    )
}  # fmt: skip

_GRANTS = defaultdict(set)


def grant(role, *permissions):
    """Give ``role`` the model permissions named ("app_label.codename"). Each app grants its own
    from its AppConfig.ready() (``<app>/roles.py``); org grants only org's and core's."""
    if role not in ROLES:
        raise LookupError(f"No role {role!r}; known: {', '.join(ROLES)}")
    _GRANTS[role].update(permissions)


def role_permissions(role):
    """Every permission granted to ``role``, sorted."""
    return sorted(_GRANTS[role])


# --- org's and core's own permissions ------------------------------------------------------------

# Jobs, imports and notifications are their owner's own (OwnerScope); the permission only opens
# the pages.
READ_ORG = (
    "org.view_region", "org.view_organisation", "core.view_job", "core.view_importbatch",
    "core.view_notification",
)  # fmt: skip
KEEP_REGIONS = ("org.add_region", "org.change_region", "org.delete_region")
POLICY_ADMIN = ("org.view_citypolicy", "org.add_citypolicy", "org.change_citypolicy", "org.delete_citypolicy")


def register():
    for role in ROLES:
        grant(role, *READ_ORG)
    grant(CITY_STAFF, *KEEP_REGIONS, *POLICY_ADMIN)
    grant(LEADER, "org.view_citypolicy")
    grant(AUDITOR, "org.view_citypolicy", "core.view_auditentry")
    grant(
        SYSADMIN, *KEEP_REGIONS, *POLICY_ADMIN,
        "org.add_organisation", "org.change_organisation", "org.delete_organisation",
        "org.view_user", "org.add_user", "org.change_user", "org.delete_user",
        "auth.view_group", "core.view_auditentry", "core.view_system_status",
    )  # fmt: skip


def role_label(code):
    role = ROLES.get(code)
    return role.label if role else code


def _permission(name):
    app_label, codename = name.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def sync_roles():
    """Create each role's group and give it every permission granted to the role."""
    for role in ROLES.values():
        group, _created = Group.objects.get_or_create(name=role.code)
        group.permissions.add(*[_permission(name) for name in role_permissions(role.code)])


def sync_roles_after_migrate(sender, using="default", **kwargs):
    # Permissions are created by another post_migrate receiver; make sure they exist first.
    for config in apps.get_app_configs():
        create_permissions(config, verbosity=0, using=using)
    sync_roles()
