"""The home page: the role's real work until the dashboards arrive — what is overdue, what waits
for the user, the stage picture, their imports, jobs and the projects they touched lately."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count
from django.views.generic import TemplateView

from core.models import AuditEntry, Job
from core.permissions import can
from org.models import Organisation, Region
from org.roles import (
    AUDITOR,
    CITY_STAFF,
    DEPT_REVIEWER,
    DISTRICT_STAFF,
    LEADER,
    STREET_CLERK,
    SYSADMIN,
    role_label,
)
from projects.models import Project
from residents.complaints.selectors import overdue_count as complaint_overdue_count
from residents.models import Complaint

from . import selectors

# The first role of the user found in this order picks the home page.
HOME_TEMPLATES = (
    (LEADER, "reports/home_leader.html"),
    (AUDITOR, "reports/home_auditor.html"),
    (DEPT_REVIEWER, "reports/home_reviewer.html"),
    (CITY_STAFF, "reports/home_staff.html"),
    (DISTRICT_STAFF, "reports/home_staff.html"),
    (STREET_CLERK, "reports/home_clerk.html"),
    (SYSADMIN, "reports/home_staff.html"),
)
# Homes of roles that change nothing: the picture of their area, no work list.
READ_ONLY_HOMES = ("reports/home_leader.html", "reports/home_auditor.html", "reports/home_reviewer.html")


class HomeView(LoginRequiredMixin, TemplateView):
    def get_template_names(self):
        roles = self.request.user.role_codes
        for code, template in HOME_TEMPLATES:
            if code in roles:
                return [template]
        return ["reports/home_staff.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        regions = Region.objects.restrict(user)
        level_counts = dict(regions.values_list("level").annotate(n=Count("pk")).order_by())
        context.update(
            roles=[role_label(code) for code in sorted(user.role_codes)],
            scope_regions=Region.objects.filter(path__in=user.get_scope_paths() or []),
            # Only the levels inside the user's scope: a street clerk has no districts to count.
            level_counts=[
                (label, level_counts[value])
                for value, label in Region.Level.choices
                if value >= Region.Level.DISTRICT and level_counts.get(value)
            ],
            organisation_count=Organisation.objects.restrict(user).count(),
            my_jobs=Job.objects.restrict(user)[:5],
            my_imports=selectors.recent_imports(user),
        )
        if selectors.may_see_projects(user):
            context.update(self.project_sections(user))
        if can(user, "view", Complaint):
            # Complaints past their deadline without an answer, in the user's area (residents.complaints).
            context["overdue_complaints"] = complaint_overdue_count(user)
        if can(user, "view", AuditEntry):
            context["recent_audit"] = AuditEntry.objects.restrict(user).select_related("content_type")[:10]
        return context

    def project_sections(self, user):
        template = self.get_template_names()[0]
        sections = {"overdue": selectors.overdue_projects(user), "picture": selectors.stage_picture(user)}
        if template in READ_ONLY_HOMES:
            if template == "reports/home_reviewer.html":
                sections["in_review"] = selectors.projects_at_stage(user, Project.Stage.REVIEW)
        else:
            sections["waiting"] = selectors.waiting_projects(user)
            sections["touched"] = selectors.recently_touched_projects(user)
        return sections
