"""The flow editor of a city's administrators: the city's flows, a flow's versions and stages, and
the edits of a draft version (new version, add / edit / delete / move a stage, publish, discard).
Each edit is one service; a published version never changes, so a running request keeps the
stages it started with."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView, View

from core.permissions import can
from core.views import ObjectEditView, ObjectListView, RestrictedViewMixin

from . import selectors, services
from .flow_forms import StageForm, StageMoveForm
from .models import Flow, FlowVersion, Stage


class FlowListView(ObjectListView):
    """The city's flows: each with its published version, stage count, draft and running requests."""

    model = Flow
    portal_actions = ()
    template_name = "approvals/flow_list.html"

    def base_queryset(self):
        return selectors.flows_for(self.request.user)


def _version_asked(request, versions):
    """The version ``?version=<number>`` names, else the published one in force, else the newest."""
    by_number = {str(v.number): v for v in versions}
    asked = by_number.get(request.GET.get("version", ""))
    if asked is not None:
        return asked
    published = [v for v in versions if v.is_published()]
    return (published or versions or [None])[-1]


class FlowDetailView(RestrictedViewMixin, DetailView):
    """A flow: its versions (a selector), the stages of the one shown, which versions running
    requests go by, and on a draft the editing buttons."""

    model = Flow
    portal_actions = ()
    template_name = "approvals/flow_detail.html"
    related = ("city",)

    def get_object(self, queryset=None):
        return self.get_in_scope(self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, flow = self.request.user, self.object
        versions = list(FlowVersion.objects.restrict(user).filter(flow=flow).order_by("number"))
        shown = _version_asked(self.request, versions)
        published = [v for v in versions if v.is_published()]
        current = published[-1] if published else None
        draft = versions[-1] if versions and not versions[-1].is_published() else None
        running = selectors.running_by_version(user, flow)
        context.update(
            versions=versions,
            shown=shown,
            current=current,
            draft=draft,
            stages=list(selectors.version_stages(shown)) if shown else [],
            running=sorted(running.items()),
            running_total=sum(running.values()),
            may_create_version=draft is None and can(user, "add", FlowVersion),
            may_edit=shown is not None and shown.can_be_edited() and can(user, "change", Stage),
            may_publish=can(user, "change", FlowVersion),
            may_discard=can(user, "delete", FlowVersion),
            may_delete_stage=can(user, "delete", Stage),
        )
        return context


class _FlowActionView(RestrictedViewMixin, View):
    """POST only: one service on the object, then back to the flow's page with what happened (a
    refusal as an error message, naming what is wrong)."""

    http_method_names = ["post"]

    def target(self):
        return self.get_in_scope(self.kwargs["pk"])

    def call(self, obj):
        raise NotImplementedError

    def back(self, obj):
        return obj.get_absolute_url()

    def post(self, request, *args, **kwargs):
        obj = self.target()
        try:
            done = self.call(obj)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(self.back(obj))
        return redirect(done)


class FlowVersionCreateView(_FlowActionView):
    """新建版本: a draft copy of the newest published version."""

    model = FlowVersion
    action = "add"

    def target(self):
        return get_object_or_404(Flow.objects.restrict(self.request.user), pk=self.kwargs["pk"])

    def call(self, flow):
        version = services.flowversion_create(actor=self.request.user, flow=flow)
        messages.success(
            self.request,
            _("Version %(number)s is a draft copy of the version in force: change it, then publish it.")
            % {"number": version.number},
        )
        return version.get_absolute_url()


class FlowVersionPublishView(_FlowActionView):
    model = FlowVersion
    action = "change"

    def call(self, version):
        version = services.flowversion_publish(actor=self.request.user, version=version)
        messages.success(
            self.request,
            _("Version %(number)s is published: new requests go by it; running ones keep their version.")
            % {"number": version.number},
        )
        return version.get_absolute_url()


class FlowVersionDiscardView(_FlowActionView):
    model = FlowVersion
    action = "delete"

    def call(self, version):
        flow = services.flowversion_discard(actor=self.request.user, version=version)
        messages.success(
            self.request, _("The draft version %(number)s is discarded.") % {"number": version.number}
        )
        return flow.get_absolute_url()


class StageDeleteView(_FlowActionView):
    model = Stage
    action = "delete"

    def call(self, stage):
        services.stage_delete(actor=self.request.user, instance=stage)
        messages.success(self.request, _("The stage “%(stage)s” is deleted.") % {"stage": stage.name})
        return stage.version.get_absolute_url()


class StageMoveView(_FlowActionView):
    model = Stage
    action = "change"

    def call(self, stage):
        form = StageMoveForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError(_("Move a stage up or down."))
        services.stage_move(actor=self.request.user, stage=stage, direction=form.cleaned_data["direction"])
        return stage.get_absolute_url()


class StageCreateView(ObjectEditView):
    """A stage added at the end of a draft version."""

    model = Stage
    form_class = StageForm
    template_name = "approvals/stage_form.html"
    create_service = services.stage_add

    def get_version(self):
        if not hasattr(self, "_version"):
            self._version = get_object_or_404(
                FlowVersion.objects.restrict(self.request.user, "change").select_related("flow__city"),
                pk=self.kwargs["version_pk"],
            )
        return self._version

    def get_object(self):
        return None  # always a new stage

    def get(self, request, *args, **kwargs):
        version = self.get_version()
        if not version.can_be_edited():
            messages.error(
                request, _("%(version)s is published and no longer changes.") % {"version": version}
            )
            return redirect(version.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "version": self.get_version()}

    def service_kwargs(self):
        return {"version": self.get_version()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["parent"] = self.get_version()
        return context


class StageEditView(ObjectEditView):
    model = Stage
    form_class = StageForm
    template_name = "approvals/stage_form.html"
    update_service = services.stage_update
    related = ("version__flow__city",)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "version": self.get_object().version}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["parent"] = self.get_object().version
        return context
