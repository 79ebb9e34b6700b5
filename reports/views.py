"""The home page: the role's real work and, for whoever reads the quota progress, the dashboard of
their area (reports.dashboard) — leaders, auditors and the city's and districts' staff open on it,
staff with what waits for them and what is overdue below; department reviewers see their approval
inbox first; street clerks their street's work (they read no progress)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count
from django.views.generic import TemplateView

from approvals.registry import subject_label
from approvals.selectors import inbox_count, inbox_for
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
from .dashboard.views import dashboard_context
from .progress_views import may_read_progress

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
# Homes that show the dashboard of the user's area to a user who reads the quota progress (a
# system administrator alone reads none and keeps the counters and the stage picture).
DASHBOARD_HOMES = (*READ_ONLY_HOMES, "reports/home_staff.html")
# The reviewer's home lists this many requests of the inbox, soonest due first.
INBOX_SHOWN = 8


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
        template = self.get_template_names()[0]
        dashboard = template in DASHBOARD_HOMES and may_read_progress(user)
        context.update(
            roles=[role_label(code) for code in sorted(user.role_codes)],
            scope_regions=Region.objects.filter(path__in=user.get_scope_paths() or []),
            my_jobs=Job.objects.restrict(user)[:5],
            my_imports=selectors.recent_imports(user),
            dashboard=dashboard,
        )
        if dashboard:
            # The dashboard's cards, alerts and funnel replace the counters and the stage picture.
            context.update(dashboard_context(self.request))
        else:
            context.update(self.counters(user))
        if template == "reports/home_reviewer.html":
            context.update(self.inbox(user))
        elif dashboard and template == "reports/home_staff.html":
            # Staff's approvals wait in 待办; above the dashboard only their number and the way there.
            context["inbox_total"] = inbox_count(user)
        if selectors.may_see_projects(user):
            context.update(self.project_sections(user, template, dashboard))
        if can(user, "view", AuditEntry):
            context["recent_audit"] = AuditEntry.objects.restrict(user).select_related("content_type")[:10]
        return context

    def counters(self, user):
        """The regions and organisations of the user's area, and the complaints past their deadline."""
        regions = Region.objects.restrict(user)
        level_counts = dict(regions.values_list("level").annotate(n=Count("pk")).order_by())
        found = {
            # Only the levels inside the user's scope: a street clerk has no districts to count.
            "level_counts": [
                (label, level_counts[value])
                for value, label in Region.Level.choices
                if value >= Region.Level.DISTRICT and level_counts.get(value)
            ],
            "organisation_count": Organisation.objects.restrict(user).count(),
        }
        if can(user, "view", Complaint):
            # Complaints past their deadline without an answer, in the user's area (residents.complaints).
            found["overdue_complaints"] = complaint_overdue_count(user)
        return found

    def inbox(self, user):
        """待办: the first requests waiting for the user's decision, soonest due first, and how many."""
        requests = list(inbox_for(user)[:INBOX_SHOWN])
        for request in requests:
            request.subject_label = subject_label(request.content_type.model_class())
        return {"inbox": requests, "inbox_total": inbox_count(user)}

    def project_sections(self, user, template, dashboard):
        sections = {}
        if not dashboard:
            sections["picture"] = selectors.stage_picture(user)
        if template in READ_ONLY_HOMES:
            if template == "reports/home_reviewer.html":
                sections["in_review"] = selectors.projects_at_stage(user, Project.Stage.REVIEW)
            if not dashboard:
                sections["overdue"] = selectors.overdue_projects(user)
        else:
            sections["overdue"] = selectors.overdue_projects(user)
            sections["waiting"] = selectors.waiting_projects(user)
            sections["touched"] = selectors.recently_touched_projects(user)
        return sections
