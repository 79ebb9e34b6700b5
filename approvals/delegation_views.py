"""The delegation page (委托代办): a user's delegations given and received, the form to let a
colleague of the same organisation decide for them over some days, and ending one early."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, View

from core.permissions import can
from core.views import FORM_PAGE_METHODS, RestrictedViewMixin, add_service_errors

from . import selectors, services
from .delegation_forms import DelegationForm
from .models import Delegation


class DelegationListView(RestrictedViewMixin, FormView):
    """GET: the user's delegations and the form; POST: a new delegation through the service."""

    model = Delegation
    portal_actions = ()
    template_name = "approvals/delegation_list.html"
    form_class = DelegationForm
    http_method_names = FORM_PAGE_METHODS

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def post(self, request, *args, **kwargs):
        if not can(request.user, "add", Delegation):
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        user = self.request.user
        if user.organisation_id is None:
            form.add_error(None, _("Only a user of an organisation delegates."))
            return self.form_invalid(form)
        try:
            delegation = services.delegation_create(actor=user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("From %(starts)s to %(ends)s %(delegate)s decides for you.")
            % {
                "starts": delegation.starts_on.isoformat(),
                "ends": delegation.ends_on.isoformat(),
                "delegate": delegation.delegate.get_full_name() or delegation.delegate.username,
            },
        )
        return redirect(reverse("approvals:delegation_list"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        given, received = selectors.delegations_of(self.request.user)
        today = timezone.localdate()
        given, received = list(given), list(received)
        for delegation in (*given, *received):
            delegation.standing_today = delegation.standing(today)
        context.update(
            tab="delegations",
            given=given,
            received=received,
            has_organisation=self.request.user.organisation_id is not None,
            may_delegate=can(self.request.user, "add", Delegation),
        )
        return context


class DelegationEndView(RestrictedViewMixin, View):
    """POST only: the delegating user ends their delegation from today on."""

    model = Delegation
    action = "change"
    http_method_names = ["post"]

    def post(self, request, pk):
        delegation = get_object_or_404(
            Delegation.objects.restrict(request.user, "change").filter(delegator=request.user), pk=pk
        )
        try:
            kept = services.delegation_end(actor=request.user, delegation=delegation)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("approvals:delegation_list")
        name = delegation.delegate.get_full_name() or delegation.delegate.username
        if kept is None:
            messages.success(request, _("The delegation to %(delegate)s is withdrawn.") % {"delegate": name})
        else:
            messages.success(
                request,
                _("The delegation to %(delegate)s has ended: from today on you decide yourself.")
                % {"delegate": name},
            )
        return redirect("approvals:delegation_list")
