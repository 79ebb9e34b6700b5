"""Generic, permission-aware views configured per model, and core's own pages.

Every view finds its rows through ``Model.objects.restrict(user, action)``: a user without the
model permission gets 403, an object outside the user's scope 404.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView, TemplateView, View
from django.views.generic.edit import FormView

from .audit import history_for
from .display import display_value
from .models import AuditEntry, Job
from .permissions import can

PAGE_SIZES = (20, 50, 100)
# Pages with a form: Django's FormView would take a PUT for a POST (and answer 200); only these.
FORM_PAGE_METHODS = ("get", "post", "head", "options")


@dataclass(frozen=True)
class Column:
    """One column of a list: a label, a dotted accessor, and whether it links to the object."""

    label: str
    accessor: str
    link: bool = False
    sort: str = ""  # the ordering key (?sort=...) this column sorts by, if any
    numeric: bool = False


class RestrictedViewMixin(LoginRequiredMixin):
    """403 without the model permission; the queryset is the user's restricted one."""

    model = None
    action = "view"
    # Which of add/edit/delete this model offers in the portal (others may live in the admin only).
    portal_actions = ("add", "edit", "delete")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not can(request.user, self.action, self.model):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    related = ()  # select_related() of the page: what every row shows from its relations

    def base_queryset(self):
        """Hook for selectors: the restricted rows with what the page needs joined in."""
        queryset = self.model.objects.restrict(self.request.user, self.action)
        return queryset.select_related(*self.related) if self.related else queryset

    def get_queryset(self):
        return self.base_queryset()

    def get_in_scope(self, pk):
        """The row ``pk`` the user may ``action``: 404 when they may not even see it, 403 when they
        see it and may not ``action`` it (a row it reaches only through something it groups, say)."""
        try:
            return get_object_or_404(self.base_queryset(), pk=pk)
        except Http404:
            if (
                self.action != "view"
                and self.model.objects.restrict(self.request.user).filter(pk=pk).exists()
            ):
                raise PermissionDenied from None
            raise

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meta = self.model._meta
        context.update(
            verbose_name=meta.verbose_name,
            verbose_name_plural=meta.verbose_name_plural,
            can_add="add" in self.portal_actions and can(self.request.user, "add", self.model),
            can_change="edit" in self.portal_actions and can(self.request.user, "change", self.model),
            can_delete="delete" in self.portal_actions and can(self.request.user, "delete", self.model),
            url_prefix=f"{meta.app_label}:{meta.model_name}",
            list_url=self.list_url(),
        )
        return context

    def list_url(self):
        """The model's list page, if it has one (buildings are listed on their compound's page)."""
        meta = self.model._meta
        try:
            return reverse(f"{meta.app_label}:{meta.model_name}_list")
        except NoReverseMatch:
            return None


class ObjectListView(RestrictedViewMixin, ListView):
    """A filtered, sortable, paginated list of the rows in the user's scope."""

    template_name = "core/object_list.html"
    filterset_class = None
    columns = ()
    sort_default = ""
    paginate_by = PAGE_SIZES[0]

    export_kind = ""  # an importer kind: ?export=xlsx|csv downloads the filtered rows in its columns

    def get(self, request, *args, **kwargs):
        export_format = request.GET.get("export")
        if self.export_kind and export_format in ("xlsx", "csv"):
            return self.export(export_format)
        return super().get(request, *args, **kwargs)

    def export(self, export_format):
        from .exports import export_response

        queryset = self.get_queryset()
        return export_response(
            user=self.request.user,
            kind=self.export_kind,
            queryset=queryset,
            export_format=export_format,
            filterset=self.filterset,
        )

    def get_paginate_by(self, queryset):
        try:
            size = int(self.request.GET.get("per_page", self.paginate_by))
        except ValueError:
            return self.paginate_by
        return size if size in PAGE_SIZES else self.paginate_by

    def paginate_queryset(self, queryset, page_size):
        """A page past the end shows the last page (a bookmark kept after rows went away, a
        hand-edited ?page=999), and a page that is no number the first, instead of a 404."""
        paginator = self.get_paginator(
            queryset, page_size, orphans=self.get_paginate_orphans(), allow_empty_first_page=True
        )
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def sort_keys(self):
        return {column.sort for column in self.columns if column.sort}

    def get_queryset(self):
        queryset = self.base_queryset()
        self.filterset = None
        if self.filterset_class is not None:
            self.filterset = self.filterset_class(self.request.GET, queryset=queryset, request=self.request)
            queryset = self.filterset.qs
        sort = self.request.GET.get("sort", "")
        if sort.removeprefix("-") in self.sort_keys():  # one minus at most: "--name" is junk
            queryset = queryset.order_by(sort, "pk")
        elif self.sort_default:
            queryset = queryset.order_by(self.sort_default, "pk")
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filterset=self.filterset,
            columns=self.columns,
            current_sort=self.request.GET.get("sort", ""),
            querystring=query.urlencode(),
            page_sizes=PAGE_SIZES,
        )
        return context


class ObjectDetailView(RestrictedViewMixin, DetailView):
    """One object in the user's scope, with its history from the audit log."""

    template_name = "core/object_detail.html"
    fields = ()  # names shown by the generic template

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = self.object
        context["field_rows"] = [
            (obj._meta.get_field(name).verbose_name, display_value(obj, name)) for name in self.fields
        ]
        # Whoever may see the object may see who changed it; the audit log page is for auditors.
        context["history"] = history_for(obj)[:50]
        return context


class ObjectEditView(RestrictedViewMixin, FormView):
    """Create (no pk in the URL) or edit an object; the save goes through the app's services.

    ``create_service(actor=..., **cleaned_data)`` and ``update_service(actor=..., instance=...,
    **cleaned_data)`` raise ValidationError for a rule the form cannot see.
    """

    template_name = "core/object_form.html"
    http_method_names = FORM_PAGE_METHODS
    form_class = None
    create_service = None
    update_service = None

    def dispatch(self, request, *args, **kwargs):
        self.action = "change" if "pk" in kwargs else "add"
        return super().dispatch(request, *args, **kwargs)

    def get_object(self):
        if "pk" not in self.kwargs:
            return None
        if not hasattr(self, "_object"):
            self._object = self.get_in_scope(self.kwargs["pk"])
        return self._object

    def get(self, request, *args, **kwargs):
        # A form the save would refuse is not offered (the model says, as the page's buttons ask).
        obj = self.get_object()
        if obj is not None and not getattr(obj, "can_be_edited", lambda: True)():
            messages.error(request, _("%(object)s can no longer be changed.") % {"object": obj})
            return redirect(obj.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.get_object()
        kwargs["user"] = self.request.user
        return kwargs

    def service_kwargs(self):
        """Extra keyword arguments for the services (a parent object, say)."""
        return {}

    def form_valid(self, form):
        instance = self.get_object()
        try:
            with transaction.atomic():
                # type(self): a function kept on the class must not be bound as a method.
                if instance is None:
                    obj = type(self).create_service(
                        actor=self.request.user, **self.service_kwargs(), **form.cleaned_data
                    )
                else:
                    obj = type(self).update_service(
                        actor=self.request.user, instance=instance, **form.cleaned_data
                    )
                # Whatever the service checked, the saved object must be one the user may see:
                # a write never puts a row out of its author's reach.
                if not self.model.objects.restrict(self.request.user).filter(pk=obj.pk).exists():
                    raise ValidationError(
                        _("Saved like this it would lie outside your area; nothing was saved.")
                    )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved %(object)s.") % {"object": obj})
        return redirect(obj.get_absolute_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.get_object()
        return context


def add_service_errors(form, error):
    """Put a service's ValidationError on ``form``: on the field it names, else above the form."""
    if hasattr(error, "error_dict"):
        has_field = getattr(form, "has_field", lambda name: name in form.fields)
        for field, errors in error.error_dict.items():
            form.add_error(field if has_field(field) else None, errors)
    else:
        form.add_error(None, error)


class ObjectDeleteView(RestrictedViewMixin, DetailView):
    """Ask, then delete through ``delete_service(actor=..., instance=...)`` on POST."""

    action = "delete"
    template_name = "core/object_confirm_delete.html"
    delete_service = None
    success_url_name = ""

    def get_object(self, queryset=None):
        return self.get_in_scope(self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        if not getattr(obj, "can_be_deleted", lambda: True)():
            messages.error(request, _("%(object)s can no longer be deleted.") % {"object": obj})
            return redirect(obj.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        try:
            type(self).delete_service(actor=request.user, instance=obj)
        except (ValidationError, ProtectedError) as error:
            reason = (
                error.messages[0]
                if isinstance(error, ValidationError)
                else _("Other records still refer to it.")
            )
            messages.error(
                request, _("%(object)s was not deleted: %(reason)s") % {"object": obj, "reason": reason}
            )
            return redirect(obj.get_absolute_url())
        messages.success(request, _("Deleted %(object)s.") % {"object": obj})
        return redirect(self.get_success_url(obj))

    def get_success_url(self, obj):
        """Where to go once ``obj`` is deleted: the model's list by default."""
        return reverse(self.success_url_name)


# --- core's own pages ---------------------------------------------------------------------------


class AuditEntryListView(ObjectListView):
    model = AuditEntry
    related = ("content_type",)
    portal_actions = ()
    template_name = "core/auditentry_list.html"
    paginate_by = 50
    columns = (
        Column(gettext_lazy("time"), "at", sort="at"),
        Column(gettext_lazy("user"), "actor_name", sort="actor_name"),
        Column(gettext_lazy("action"), "get_action_display"),
        Column(gettext_lazy("object type"), "object_type"),
        Column(gettext_lazy("object"), "object_repr"),
        Column(gettext_lazy("summary"), "summary_text"),
    )
    sort_default = "-at"

    @property
    def filterset_class(self):
        from .filters import AuditEntryFilter

        return AuditEntryFilter

    def get_queryset(self):
        queryset = super().get_queryset()
        # A date that is no date lists nothing and says why, rather than listing everything.
        if self.filterset is not None and self.filterset.is_bound and not self.filterset.is_valid():
            return queryset.none()
        return queryset


class JobDetailView(RestrictedViewMixin, DetailView):
    model = Job
    template_name = "core/job_detail.html"

    def get_context_data(self, **kwargs):
        from .job_kinds import job_result_rows
        from .jobs import job_failed_items

        context = super().get_context_data(**kwargs)
        context["result_rows"] = job_result_rows(self.object)
        # Read only once the job has finished: the fragment polled every second stays one query.
        finished = self.object.is_finished and self.object.items_total is not None
        context["failed_items"], context["failed_items_more"] = (
            job_failed_items(self.object) if finished else ([], 0)
        )
        return context


class JobProgressView(JobDetailView):
    """The progress fragment htmx polls every second until the job has finished."""

    template_name = "core/job_progress.html"

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if self.object.is_finished:
            response["HX-Trigger"] = "jobFinished"
        return response


class JobRetryView(RestrictedViewMixin, View):
    """POST: run a failed job again (a batch: its failed and unfinished items) and show its page.
    Whoever may see the job may retry it; a job that is not failed is left as it is."""

    model = Job
    http_method_names = ["post"]

    def post(self, request, pk):
        from .jobs import job_retry

        job = get_object_or_404(self.get_queryset(), pk=pk)
        if job.can_be_retried():
            job_retry(job=job, user=request.user)
            messages.success(request, _("The job was queued again."))
        return redirect(job.get_absolute_url())


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico on pages without a <link rel="icon"> (the admin's). The
    static URL is resolved per request: with manifest storage it exists only after collectstatic."""
    from django.templatetags.static import static

    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


@require_safe
def healthz(request):
    """For load balancers and the compose healthcheck: the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "database unavailable"}, status=503)
    return HttpResponse("ok", content_type="text/plain")


class SystemStatusView(LoginRequiredMixin, TemplateView):
    """For system administrators: PDF prerequisites and a self-check run by a real worker."""

    template_name = "core/system_status.html"
    permission = "core.view_system_status"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        from django.conf import settings

        from .pdf import cjk_font_families, harfbuzz_subsetting_available
        from .replica import replica_status

        context = super().get_context_data(**kwargs)
        context.update(
            harfbuzz=harfbuzz_subsetting_available(),
            cjk_fonts=cjk_font_families(),
            broker=settings.CELERY_BROKER_URL.split("@")[-1],
            eager=settings.CELERY_TASK_ALWAYS_EAGER,
            database=connection.display_name,
            storage=_storage_status(settings),
            recent_jobs=Job.objects.restrict(self.request.user).filter(kind="selfcheck")[:5],
            replica=replica_status(),
        )
        return context


def _storage_status(settings):
    """Where stored files are, in words for the status page (no key or secret)."""
    if settings.MEDIA_STORAGE == "s3":
        options = settings.STORAGES["default"].get("OPTIONS", {})
        return {
            "bucket": True,
            "endpoint": options.get("endpoint_url") or "",
            "name": options.get("bucket_name", ""),
            "redirect": settings.FILES_DELIVERY == "redirect",
            "expire": options.get("querystring_expire"),
        }
    return {"bucket": False, "root": str(settings.MEDIA_ROOT)}


class SelfCheckStartView(SystemStatusView):
    """POST: queue a self-check job and go to its progress page."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        from .jobs import job_start

        job = job_start(kind="selfcheck", user=request.user)
        return redirect(job.get_absolute_url())
