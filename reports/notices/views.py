"""The notice pages (/reports/notices/): the register, a notice with its PDF and the void form, a
project's notices with what may be issued for it, the issue form of one notice, the batch page."""

import django_filters
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView

from core.files import stored_file_response
from core.permissions import can
from core.views import ObjectDetailView, ObjectListView, RestrictedViewMixin, add_service_errors
from funding.models import Disbursement
from projects.models import Project
from reports.models import Notice, NoticeIssuer

from . import selectors, services
from .forms import BatchForm, BatchScopeForm, IssueForm, VoidForm
from .kinds import kind_label, kinds_for_subject, notice_kind, notice_kinds
from .standard import DISBURSEMENT


class NoticeFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        label=gettext_lazy("kind"), choices=(), empty_label=gettext_lazy("all kinds")
    )
    year = django_filters.ChoiceFilter(
        label=gettext_lazy("year"), choices=(), empty_label=gettext_lazy("all years")
    )
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("status"), choices=Notice.Status.choices, empty_label=gettext_lazy("all")
    )
    issuer = django_filters.ModelChoiceFilter(
        label=gettext_lazy("notice issuer"),
        queryset=NoticeIssuer.objects.all(),
        empty_label=gettext_lazy("all issuers"),
    )
    number = django_filters.CharFilter(label=gettext_lazy("number or title"), method="number_or_title")

    class Meta:
        model = Notice
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["kind"].extra["choices"] = [(k.code, k.label) for k in notice_kinds()]
        years = selectors.register_years(request.user) if request else []
        self.filters["year"].extra["choices"] = [(str(y), str(y)) for y in years]

    def number_or_title(self, queryset, name, value):
        from django.db.models import Q

        value = value.strip()
        return queryset.filter(Q(number__icontains=value) | Q(title__icontains=value)) if value else queryset


class NoticeListView(ObjectListView):
    """发文登记簿: every number given out in the user's area, voided ones included."""

    model = Notice
    portal_actions = ()
    template_name = "reports/notices/notice_list.html"
    filterset_class = NoticeFilter

    def base_queryset(self):
        # Newest first: the register reads like a log of what went out.
        return (
            selectors.notices_for(self.request.user).prefetch_related("subject").order_by("-issued_on", "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        for notice in context["object_list"]:
            notice.kind_label = kind_label(notice.kind)
        context["may_batch"] = any(k.batch for k in selectors.kinds_issuable_by(user))
        return context


class NoticeDetailView(ObjectDetailView):
    model = Notice
    portal_actions = ()
    template_name = "reports/notices/notice_detail.html"

    def get_queryset(self):
        return selectors.notices_for(self.request.user).select_related("created_by", "voided_by")

    def get_context_data(self, void_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        notice = self.object
        may_void = (
            notice.can_be_voided()
            and Notice.objects.restrict(self.request.user, "void").filter(pk=notice.pk).exists()
        )
        context.update(
            kind_label=kind_label(notice.kind), may_void=may_void, void_form=void_form or (VoidForm() if may_void else None),
            subject_url=_subject_url(notice),
        )  # fmt: skip
        return context


def _subject_url(notice):
    subject = notice.subject
    return subject.get_absolute_url() if subject is not None else ""


class NoticeDownloadView(RestrictedViewMixin, View):
    """The notice's PDF, named by its number; 404 until it is rendered."""

    model = Notice

    def get(self, request, pk):
        notice = get_object_or_404(selectors.notices_for(request.user), pk=pk)
        if not notice.is_rendered:
            raise Http404(_("The PDF of this notice is not ready yet."))
        return stored_file_response(notice.file, f"{notice.number}{notice.title}.pdf", inline=True)


class NoticeVoidView(RestrictedViewMixin, View):
    """POST: void a notice with a reason; its number stays in the register, marked voided."""

    model = Notice
    action = "void"
    http_method_names = ["post"]

    def post(self, request, pk):
        notice = get_object_or_404(selectors.notices_for(request.user), pk=pk)
        form = VoidForm(request.POST)
        if form.is_valid():
            try:
                services.notice_void(
                    notice=notice, user=request.user, reason=form.cleaned_data["void_reason"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("%(number)s was voided.") % {"number": notice.number})
                return redirect(notice.get_absolute_url())
        view = NoticeDetailView(request=request, kwargs={"pk": pk}, object=notice)
        view.object = notice
        return render(request, view.template_name, view.get_context_data(void_form=form, object=notice))


class ProjectNoticesView(RestrictedViewMixin, DetailView):
    """A project's notices (and those of its payments), and the notices the user may issue for it."""

    model = Project
    portal_actions = ()
    template_name = "reports/notices/project_notices.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can(request.user, "view", Notice):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def base_queryset(self):
        return Project.objects.restrict(self.request.user).select_related("region", "city")

    def get_object(self, queryset=None):
        return self.get_in_scope(self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, project = self.request.user, self.object
        payments = Disbursement.objects.filter(project=project)
        notices = selectors.notices_for(user).filter(
            subject_type=ContentType.objects.get_for_model(Project), subject_id=project.pk
        ) | selectors.notices_for(user).filter(
            subject_type=ContentType.objects.get_for_model(Disbursement), subject_id__in=payments.values("pk")
        )
        rows = list(notices.order_by("-issued_on", "-pk"))
        for notice in rows:
            notice.kind_label = kind_label(notice.kind)
        issuable = [
            kind
            for kind in kinds_for_subject(Project)
            if kind.may_issue(user) and selectors.subjects_for(kind, user).filter(pk=project.pk).exists()
        ]
        payment_kind = notice_kind(DISBURSEMENT)
        released = (
            list(selectors.subjects_for(payment_kind, user).filter(project=project).select_related("source"))
            if payment_kind.may_issue(user)
            else []
        )
        context.update(notices=rows, issuable=issuable, payment_kind=payment_kind, released=released)
        return context


class NoticeIssueView(RestrictedViewMixin, View):
    """GET the form, POST to issue one notice of ``kind`` about the subject ``pk``. The number is
    given when the form is sent; sending the same form twice issues one notice (core.submissions)."""

    model = Notice
    action = "add"
    template_name = "reports/notices/notice_issue.html"

    def setup_kind(self, request, kind, pk):
        try:
            self.kind = notice_kind(kind)
        except LookupError:
            raise Http404 from None
        if not self.kind.may_issue(request.user):
            raise PermissionDenied
        self.subject = get_object_or_404(selectors.subjects_for(self.kind, request.user), pk=pk)

    def get(self, request, kind, pk):
        self.setup_kind(request, kind, pk)
        return self.show(IssueForm(kind=self.kind, subject=self.subject, user=request.user))

    def post(self, request, kind, pk):
        self.setup_kind(request, kind, pk)
        form = IssueForm(request.POST, kind=self.kind, subject=self.subject, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                notice = services.notice_issue(
                    kind=self.kind, subject=self.subject, issuer=data["issuer"], user=request.user,
                    title=data["title"], addressee=data["addressee"], contact=data["contact"], note=data["note"],
                )  # fmt: skip
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(number)s was issued; its PDF is being rendered.") % {"number": notice.number},
                )
                return redirect(notice.get_absolute_url())
        return self.show(form)

    def show(self, form):
        context = {
            "form": form, "kind": self.kind, "subject": self.subject,
            "subject_label": self.kind.subject_label(self.subject), "subject_url": self.subject.get_absolute_url(),
            "no_issuer": not form.fields["issuer"].queryset.exists(),
        }  # fmt: skip
        return render(self.request, self.template_name, context)


class NoticeBatchView(RestrictedViewMixin, View):
    """One kind for many subjects at once (施工告知书 for every project under construction in a
    district): GET lists the subjects of the chosen kind and district, POST issues them all with
    consecutive numbers in one transaction and one render job, and shows the job."""

    model = Notice
    action = "add"
    template_name = "reports/notices/notice_batch.html"

    def kinds(self):
        return [k for k in selectors.kinds_issuable_by(self.request.user) if k.batch]

    def scope(self, request):
        kinds = self.kinds()
        if not kinds:
            raise PermissionDenied
        scope = BatchScopeForm(request.GET or None, kinds=kinds, user=request.user)
        kind, region = kinds[0], None
        if scope.is_bound and scope.is_valid():
            kind, region = notice_kind(scope.cleaned_data["kind"]), scope.cleaned_data["region"]
        subjects = selectors.subjects_for(kind, request.user)
        if region is not None:
            subjects = subjects.filter(region__path__startswith=region.path)
        return scope, kind, subjects.order_by("region__path", "name", "pk")

    def get(self, request):
        scope, kind, subjects = self.scope(request)
        issued = selectors.issued_numbers(kind, subjects)
        return self.show(
            scope, kind, BatchForm(kind=kind, subjects=subjects, user=request.user, issued=issued)
        )

    def post(self, request):
        scope, kind, subjects = self.scope(request)
        form = BatchForm(request.POST, kind=kind, subjects=subjects, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                job = services.notices_issue_batch(
                    kind=kind, subjects=form.chosen(), issuer=data["issuer"], user=request.user,
                    contact=data["contact"], note=data["note"],
                )  # fmt: skip
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(count)s notices were issued; their PDFs are being rendered.")
                    % {"count": len(form.chosen())},
                )
                return redirect(job.get_absolute_url())
        return self.show(scope, kind, form)

    def show(self, scope, kind, form):
        no_issuer = not form.fields["issuer"].queryset.exists()
        context = {"scope": scope, "kind": kind, "form": form, "no_issuer": no_issuer}
        return render(self.request, self.template_name, context)
