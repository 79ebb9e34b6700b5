"""居民出资通知书: one notice per household of a project, telling it what it is due under the city's
rule (不众筹不改造), how to pay and by when. Issued as a batch for a project's households (one
number each, one render job whose items the workers share), read one household's PDF at a time
(the notice's own file) or all of them as one combined PDF for printing.

The household head's name in the PDF is as the issuing user may read it (residents.privacy): a
district or city official, who sees names masked, issues notices that print 张*; the address
always identifies the household. The register's addressee names the address only."""

import datetime
import re

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.http import PDF, attachment
from core.pdf import html_to_pdf
from core.views import RestrictedViewMixin, add_service_errors
from funding.models import yuan_figure
from org.models import Organisation, Region
from org.roles import CITY_STAFF, DISTRICT_STAFF
from projects.models import Project
from reports.models import Notice
from residents.models import Contribution
from residents.privacy import shown_name

from . import selectors, services
from .chinese import amount_in_words, official_date
from .forms import IssuerField, _contact_of
from .kinds import NoticeKind, register_notice_kind
from .rendering import DOCUMENT_TEMPLATE, document_context
from .standard import _as_project

CONTRIBUTION = "contribution"
PAY_WITHIN_DAYS = 30


def _street_of(region):
    node = region
    while node is not None and node.level > Region.Level.STREET:
        node = node.parent
    return node or region


def _place(contribution):
    household = contribution.household
    return f"{household.compound.name}{household.address}"


def contribution_context(contribution, notice):
    household = contribution.household
    street = _street_of(household.compound.community)
    deadline = notice.issued_on + datetime.timedelta(days=PAY_WITHIN_DAYS)
    return {
        "project": contribution.project.name,
        "project_title": _as_project(contribution.project),
        "compound": household.compound.name,
        "address": household.address,
        # As the issuing user may read it: masked for a role without view_personal_data.
        "head": shown_name(notice.created_by, household.head_name) or "住户",
        "due": yuan_figure(contribution.due),
        "due_words": amount_in_words(contribution.due),
        "paid": yuan_figure(contribution.paid) if contribution.paid else "",
        "outstanding": yuan_figure(contribution.outstanding),
        "outstanding_words": amount_in_words(contribution.outstanding),
        "basis": contribution.basis,
        "street": street.name,
        "deadline": official_date(deadline),
    }


def contribution_title(contribution):
    return "居民出资通知书"


def contribution_addressee(contribution):
    return f"{_place(contribution)}住户"


def contribution_region(contribution):
    return contribution.household.compound.community


def _eligible(queryset):
    """Households that still owe something (a household that paid in full is sent nothing)."""
    return queryset.filter(due__gt=F("paid")).select_related(
        "project", "household__compound__community", "household__building"
    )


KIND = NoticeKind(
    code=CONTRIBUTION, label=gettext_lazy("residents' contribution notice"), subject_model=Contribution,
    template="reports/notices/pdf/kinds/contribution.html", context=contribution_context,
    title=contribution_title, region=contribution_region, addressee=contribution_addressee, eligible=_eligible,
    roles=(CITY_STAFF, DISTRICT_STAFF),
    issuer_kinds=(Organisation.Kind.DISTRICT_BUREAU, Organisation.Kind.CITY_BUREAU), subject_label=_place,
)  # fmt: skip


# --- The pages: a project's notices to its households, and the combined PDF ----------------------


class ContributionBatchForm(forms.Form):
    """One notice for each household of the project that still owes something and has no notice in force."""

    issuer = IssuerField(label=gettext_lazy("issued in the name of"), queryset=None, empty_label=None)
    contact = forms.CharField(label=gettext_lazy("contact person and phone"), max_length=100, required=False)
    note = forms.CharField(
        label=gettext_lazy("additional paragraph"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Where and how to pay, if not at the street office: added at the end of the body."),
    )  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = selectors.issuers_for(user)
        if not self.is_bound:
            self.initial.update(issuer=selectors.default_issuer(KIND, user), contact=_contact_of(user))


def _notices_of(user, project):
    """The contribution notices in force of ``project``'s households that ``user`` reads."""
    rows = Contribution.objects.filter(project=project).values("pk")
    return (
        selectors.notices_for(user)
        .filter(
            kind=CONTRIBUTION,
            status=Notice.Status.ISSUED,
            subject_type=ContentType.objects.get_for_model(Contribution),
            subject_id__in=rows,
        )
        .order_by("sequence", "pk")
    )


class ContributionNoticesView(RestrictedViewMixin, View):
    """GET: the project's households that still owe something and their notice; POST: issue a notice to
    each household without one (consecutive numbers, one render job), and show the job."""

    model = Notice
    template_name = "reports/notices/contribution_notices.html"

    def setup_project(self, request, pk):
        self.project = get_object_or_404(Project.objects.restrict(request.user), pk=pk)
        self.may_issue = KIND.may_issue(request.user)

    def rows(self):
        subjects = list(
            selectors.subjects_for(KIND, self.request.user)
            .filter(project=self.project)
            .order_by(
                "household__compound__name",
                "household__building__number",
                "household__unit",
                "household__room",
                "pk",
            )
        )
        notices = {notice.subject_id: notice for notice in _notices_of(self.request.user, self.project)}
        for row in subjects:
            row.notice = notices.get(row.pk)
        return subjects

    def get(self, request, pk):
        self.setup_project(request, pk)
        form = ContributionBatchForm(user=request.user) if self.may_issue else None
        return self.show(form)

    def post(self, request, pk):
        self.setup_project(request, pk)
        if not self.may_issue:
            raise PermissionDenied
        form = ContributionBatchForm(request.POST, user=request.user)
        if form.is_valid():
            pending = [row for row in self.rows() if row.notice is None]
            data = form.cleaned_data
            try:
                job = services.notices_issue_batch(
                    kind=KIND, subjects=pending, issuer=data["issuer"], user=request.user,
                    contact=data["contact"], note=data["note"],
                )  # fmt: skip
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(count)s notices were issued; their PDFs are being rendered.")
                    % {"count": len(pending)},
                )
                return redirect(job.get_absolute_url())
        return self.show(form)

    def show(self, form):
        rows = self.rows()
        context = {
            "project": self.project, "rows": rows, "form": form, "kind": KIND,
            "pending": sum(1 for row in rows if row.notice is None),
            "issued": sum(1 for row in rows if row.notice is not None),
            "no_issuer": form is not None and not form.fields["issuer"].queryset.exists(),
        }  # fmt: skip
        return render(self.request, self.template_name, context)


def _body(html):
    """The inside of a rendered document's <body>."""
    match = re.search(r"<body>(.*)</body>", html, re.S)
    return match.group(1) if match else html


# Each notice begins on a new page and numbers its pages from — 1 —, as when printed one by one.
COMBINED_STYLE = (
    "<style>.combined-notice { page: notice; } .combined-notice + .combined-notice { break-before: page; }"
    " @page :nth(1 of notice) { counter-reset: page 1; }</style>"
)


def combined_pdf(notices):
    """The notices one after another in one PDF, each beginning on a new page, for printing them all."""
    documents = [render_to_string(DOCUMENT_TEMPLATE, document_context(notice)) for notice in notices]
    head = documents[0].split("</head>", 1)[0] + COMBINED_STYLE + "</head>"
    sections = "".join(f'<section class="combined-notice">{_body(html)}</section>' for html in documents)
    return html_to_pdf(f"{head}<body>{sections}</body></html>")


class ContributionNoticesPdfView(RestrictedViewMixin, View):
    """GET: every notice in force of the project's households, one combined PDF."""

    model = Notice

    def get(self, request, pk):
        project = get_object_or_404(Project.objects.restrict(request.user), pk=pk)
        notices = list(_notices_of(request.user, project).select_related("issuer"))
        if not notices:
            raise Http404(_("No contribution notice has been issued for this project."))
        return attachment(combined_pdf(notices), f"{project.name}居民出资通知书.pdf", PDF)


urlpatterns = [
    path(
        "reports/notices/contributions/<int:pk>/",
        ContributionNoticesView.as_view(),
        name="contribution_notices",
    ),
    path(
        "reports/notices/contributions/<int:pk>/pdf/",
        ContributionNoticesPdfView.as_view(),
        name="contribution_notices_pdf",
    ),
]


def register():
    from projects.pages.links import register_project_link

    register_notice_kind(KIND)
    register_project_link(
        gettext_lazy("Contribution notices"), "reports:contribution_notices", "reports.view_notice",
        icon="bi-envelope-paper", order=45,
    )  # fmt: skip
