"""The contributions pages: a project's households with what each is due and paid, the totals per
compound and for the project, the calculate button, each household's payment and amount due (small
POST-only views, each calling one service), the .xlsx export (masked as the page), and the list of
projects with contributions (the menu's 居民出资)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView

from core.audit import audit_record
from core.forms import form_messages
from core.http import CONTENT_TYPES, attachment
from core.models import AuditEntry
from core.permissions import can
from core.spreadsheets import write_xlsx
from core.views import RestrictedViewMixin, add_service_errors
from projects.models import Project
from residents.models import Contribution
from residents.privacy import sees_personal_data, shown_name
from residents.templatetags.contributions import yuan

from . import selectors, services
from .forms import CalculateForm, DueForm, PaymentForm

PAGE_SIZE = 50


def page_url(project, page=None, anchor=""):
    url = reverse("residents:contribution_list", args=[project.pk])
    if page and str(page) != "1":
        url += f"?page={page}"
    return url + (f"#{anchor}" if anchor else "")


class ContributionListView(RestrictedViewMixin, DetailView):
    """GET: the project's households and their contributions (?export=xlsx: every row, masked)."""

    model = Contribution
    portal_actions = ()
    template_name = "residents/contributions/contribution_list.html"

    def base_queryset(self):
        return Project.objects.restrict(self.request.user).select_related("region", "city")

    def get_object(self, queryset=None):
        return get_object_or_404(self.base_queryset(), pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            self.object = self.get_object()
            return self.export()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, bound=None, page=None, **kwargs):
        context = super().get_context_data(**kwargs)
        user, project = self.request.user, self.object
        paginator = Paginator(selectors.households_of(user, project), PAGE_SIZE)
        page_obj = paginator.get_page(page or self.request.GET.get("page"))
        rows = selectors.attach_contribution(list(page_obj.object_list))
        may_keep = user.has_perm(services.ADD) and user.has_perm(services.CHANGE)
        kind, bound_pk, bound_form = bound or (None, None, None)
        for household in rows:
            row = household.contribution
            household.pay_form = household.due_form = None
            if not may_keep:
                continue
            if row is None:
                continue
            household.pay_form = (
                bound_form
                if (kind, bound_pk) == ("pay", household.pk)
                else PaymentForm(
                    initial={
                        "paid": row.paid if row.paid else None,
                        "paid_on": row.paid_on or timezone.localdate(),
                        "receipt_number": row.receipt_number,
                    },
                    auto_id=f"id_pay{household.pk}_%s",
                )
            )
            household.due_form = (
                bound_form
                if (kind, bound_pk) == ("due", household.pk)
                else DueForm(initial={"due": row.due}, auto_id=f"id_due{household.pk}_%s")
            )
        compounds, whole = selectors.totals_of(user, project)
        rule = services.household_rule(project)
        context.update(
            project=project, households=rows, page_obj=page_obj, paginator=paginator, compound_totals=compounds,
            totals=whole, rule=rule, may_keep=may_keep, may_calculate=may_keep,
            calculate_form=CalculateForm(), open_form=(kind, bound_pk),
            masked=not sees_personal_data(user), collection=selectors.collection_of(project),
        )  # fmt: skip
        return context

    def export(self):
        user, project = self.request.user, self.object
        full = sees_personal_data(user)
        headers = [
            _("compound"), _("address"), _("head of household"), _("amount due (yuan)"), _("amount paid (yuan)"),
            _("date of payment"), _("receipt number"), _("outstanding (yuan)"), _("basis"),
        ]  # fmt: skip
        rows = []
        for household in selectors.attach_contribution(selectors.households_of(user, project)):
            row = household.contribution
            rows.append(
                [
                    household.compound.name,
                    household.address,
                    shown_name(user, household.head_name, full=full),
                    row.due if row else None,
                    row.paid if row else None,
                    row.paid_on.isoformat() if row and row.paid_on else "",
                    row.receipt_number if row else "",
                    row.outstanding if row else None,
                    row.basis if row else "",
                ]
            )
        label = _("household contributions")
        audit_record(
            actor=user, action=AuditEntry.Action.EXPORT, model=Contribution, subject=str(project),
            summary=_("%(kind)s, %(format)s") % {"kind": label, "format": "xlsx"},
        )  # fmt: skip
        content = write_xlsx(
            headers, rows, sheet_title=str(label)[:31], widths=[18, 16, 12, 14, 14, 12, 16, 14, 40]
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return attachment(content, f"{project.name}{label}-{stamp}.xlsx", CONTENT_TYPES["xlsx"])


class ContributionActionView(ContributionListView):
    """POST only: one household's form through one service. Without the permission 403; a project or
    household outside the user's area 404; errors shown again on the page (200); done, back to it."""

    http_method_names = ["post"]
    kind = ""
    form_class = None

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not (user.has_perm(services.ADD) and user.has_perm(services.CHANGE)):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def base_queryset(self):
        return Contribution.objects.restrict(self.request.user).select_related("project", "household")

    def get_object(self, queryset=None):
        return get_object_or_404(self.base_queryset(), pk=self.kwargs["pk"])

    def post(self, request, *args, **kwargs):
        row = self.get_object()
        self.object = project = row.project
        household = row.household
        form = self.form_class(request.POST, auto_id=f"id_{self.kind}{household.pk}_%s")
        page = request.POST.get("page") or None
        if form.is_valid():
            try:
                done = self.call(row, form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, done)
                return redirect(page_url(project, page, f"household-{household.pk}"))
        context = self.get_context_data(bound=(self.kind, household.pk, form), page=page)
        placed = next((h for h in context["households"] if h.pk == household.pk), None)
        if placed is None or form not in (placed.pay_form, placed.due_form):
            # Not on this page (a row out of the user's reach, say): say why above the list.
            for message in form_messages(form):
                messages.error(request, message)
            return redirect(page_url(project, page, f"household-{household.pk}"))
        return self.render_to_response(context)


class ContributionPayView(ContributionActionView):
    kind = "pay"
    form_class = PaymentForm

    def call(self, contribution, data):
        row = services.contribution_pay(
            actor=self.request.user, contribution=contribution, paid=data["paid"],
            paid_on=data["paid_on"], receipt_number=data["receipt_number"],
        )  # fmt: skip
        return _("Payment of %(household)s recorded: %(amount)s yuan.") % {
            "household": row.household.address,
            "amount": yuan(row.paid),
        }


class ContributionDueView(ContributionActionView):
    kind = "due"
    form_class = DueForm

    def call(self, contribution, data):
        row = services.contribution_due_set(
            actor=self.request.user, contribution=contribution, due=data["due"]
        )
        return _("Amount due of %(household)s set: %(amount)s yuan.") % {
            "household": row.household.address,
            "amount": yuan(row.due),
        }


class ContributionCalculateView(ContributionListView):
    """POST only: every household's amount due from the city's rule; back to the page with the count."""

    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not (user.has_perm(services.ADD) and user.has_perm(services.CHANGE)):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        project = self.get_object()
        try:
            created, changed = services.contributions_calculate(actor=request.user, project=project)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            if services.household_rule(project) is None:
                messages.warning(
                    request,
                    _(
                        "The city's policy in force has no contribution per household: set each household's "
                        "amount due by hand."
                    ),
                )
            messages.success(
                request,
                _("Contributions calculated: %(created)s households added, %(changed)s changed.")
                % {"created": created, "changed": changed},
            )
        return redirect(page_url(project))


class ContributionProjectsView(RestrictedViewMixin, TemplateView):
    """The menu's 居民出资: the projects with contributions the user reads, with their totals."""

    model = Contribution
    template_name = "residents/contributions/project_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["projects"] = selectors.projects_with_contributions(self.request.user)
        context["may_open_projects"] = can(self.request.user, "view", Project)
        return context
