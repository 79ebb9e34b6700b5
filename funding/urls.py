from django.urls import path

from . import ledger_views, rule_views
from .pages import views as pages_views

app_name = "funding"

urlpatterns = [
    # The ledger of everything the user sees (资金台账) and its export (?export=xlsx).
    path("ledger/", ledger_views.LedgerView.as_view(), name="ledger"),
    # A project's money page and its forms.
    path("projects/<int:pk>/", pages_views.ProjectFundingView.as_view(), name="project_funding"),
    path("projects/<int:pk>/plan/add/", pages_views.PlanLineAddView.as_view(), name="fundingplanline_add"),
    path("plan/<int:pk>/edit/", pages_views.PlanLineEditView.as_view(), name="fundingplanline_edit"),
    path("plan/<int:pk>/delete/", pages_views.PlanLineDeleteView.as_view(), name="fundingplanline_delete"),
    path("projects/<int:pk>/receipts/add/", pages_views.ReceiptAddView.as_view(), name="fundreceipt_add"),
    path("receipts/<int:pk>/reverse/", pages_views.ReceiptReverseView.as_view(), name="fundreceipt_reverse"),
    path(
        "projects/<int:pk>/disbursements/add/",
        pages_views.DisbursementAddView.as_view(),
        name="disbursement_add",
    ),
    path(
        "disbursements/<int:pk>/reverse/",
        pages_views.DisbursementReverseView.as_view(),
        name="disbursement_reverse",
    ),
    # The funding rules of a city policy (funding.policy), and what staff do with their proposals.
    path(
        "policies/<int:policy_pk>/rules/add/",
        rule_views.FundingRuleEditView.as_view(),
        name="fundingrule_add",
    ),
    path("rules/<int:pk>/edit/", rule_views.FundingRuleEditView.as_view(), name="fundingrule_edit"),
    path("rules/<int:pk>/delete/", rule_views.FundingRuleDeleteView.as_view(), name="fundingrule_delete"),
    path("projects/<int:pk>/proposals/", rule_views.ProposalDecideView.as_view(), name="proposal_decide"),
]
