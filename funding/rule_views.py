"""The pages of funding's rules: a rule added, edited and deleted from its policy's page (by whoever
keeps the city's policies), and what staff do with a rule's proposal on a project's money page."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.forms import form_messages
from core.money import WanField
from core.views import ObjectDeleteView, ObjectEditView, RestrictedViewMixin
from org.models import CityPolicy
from projects.models import Project

from . import policy, rules
from .models import FundingPlanLine, FundingRule


class FundingRuleEditView(ObjectEditView):
    """A rule of one kind: added under a policy (``?kind=``), or edited."""

    model = FundingRule
    form_class = policy.FundingRuleForm
    template_name = "funding/fundingrule_form.html"
    create_service = policy.fundingrule_create
    update_service = policy.fundingrule_update

    def get_policy(self):
        if not hasattr(self, "_policy"):
            if "policy_pk" in self.kwargs:
                self._policy = get_object_or_404(
                    CityPolicy.objects.restrict(self.request.user, "change"), pk=self.kwargs["policy_pk"]
                )
            else:
                self._policy = self.get_object().section.policy
        return self._policy

    def get_kind(self):
        if self.get_object() is not None:
            return self.get_object().kind
        kind = self.request.GET.get("kind") or FundingRule.Kind.CONTRACT_SHARE
        if kind not in FundingRule.Kind.values:
            raise Http404
        return kind

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "kind": self.get_kind()}

    def service_kwargs(self):
        return {"policy": self.get_policy(), "kind": self.get_kind()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(parent=self.get_policy(), kind_label=FundingRule.Kind(self.get_kind()).label)
        return context


class FundingRuleDeleteView(ObjectDeleteView):
    model = FundingRule
    delete_service = policy.fundingrule_delete

    def get_success_url(self, obj):
        return reverse("org:citypolicy_detail", args=[obj.section_id]) + "#policy-funding"


class ProposalForm(forms.Form):
    """What staff do with one rule's proposal: the basis they saw, and for an adjustment the amount
    and the reason."""

    DECISIONS = (
        ("accept", gettext_lazy("Accept")),
        ("adjust", gettext_lazy("Adjust")),
        ("ignore", gettext_lazy("Ignore")),
    )

    rule = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=DECISIONS, widget=forms.HiddenInput)
    basis = forms.CharField(max_length=300, widget=forms.HiddenInput)
    amount = WanField(label=gettext_lazy("planned amount"), required=False)
    reason = forms.CharField(label=gettext_lazy("reason"), max_length=200, required=False)


def funding_page(project):
    """The project's money page, at its proposals."""
    return reverse("funding:project_funding", args=[project.pk]) + "#proposals"


class ProposalDecideView(RestrictedViewMixin, View):
    """Accept, adjust or ignore a rule's proposal for a project; back to the project's money page."""

    model = FundingPlanLine
    action = "add"
    http_method_names = ["post"]

    def post(self, request, pk):
        project = get_object_or_404(Project.objects.restrict(request.user), pk=pk)
        if not rules.may_decide(request.user, project):
            raise PermissionDenied
        target = funding_page(project)
        form = ProposalForm(request.POST)
        if not form.is_valid():
            for message in form_messages(form):
                messages.error(request, message)
            return redirect(target)
        data = form.cleaned_data
        arguments = {"actor": request.user, "project": project, "rule": data["rule"], "basis": data["basis"]}
        try:
            if data["decision"] == "accept":
                line = rules.proposal_accept(**arguments)
                done = _("Planned %(line)s as proposed.") % {"line": line}
            elif data["decision"] == "adjust":
                line = rules.proposal_adjust(**arguments, amount=data["amount"], reason=data["reason"])
                done = _("Planned %(line)s with another amount.") % {"line": line}
            else:
                rules.proposal_ignore(**arguments)
                done = _("The proposal is ignored until its figures change.")
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(target)
        messages.success(request, done)
        return redirect(target)
