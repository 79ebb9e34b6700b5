from django.urls import path

from . import delegation_views, flow_views, views

app_name = "approvals"

urlpatterns = [
    path("", views.InboxView.as_view(), name="request_inbox"),
    path("done/", views.DoneView.as_view(), name="request_done"),
    path("sent/", views.SentView.as_view(), name="request_sent"),
    path("<int:pk>/", views.RequestDetailView.as_view(), name="request_detail"),
    path("<int:pk>/approve/", views.ApproveView.as_view(), name="request_approve"),
    path("<int:pk>/return/", views.ReturnView.as_view(), name="request_return"),
    path("<int:pk>/reject/", views.RejectView.as_view(), name="request_reject"),
    path("<int:pk>/withdraw/", views.WithdrawView.as_view(), name="request_withdraw"),
    path("<int:pk>/resubmit/", views.ResubmitView.as_view(), name="request_resubmit"),
    path("<int:pk>/form.pdf", views.FormPdfView.as_view(), name="request_form_pdf"),
    path("files/<int:pk>/", views.AttachmentDownloadView.as_view(), name="requestattachment_download"),
    # The flow editor (city administrators) and delegations (everyone who decides).
    path("flows/", flow_views.FlowListView.as_view(), name="flow_list"),
    path("flows/<int:pk>/", flow_views.FlowDetailView.as_view(), name="flow_detail"),
    path(
        "flows/<int:pk>/new-version/", flow_views.FlowVersionCreateView.as_view(), name="flowversion_create"
    ),
    path(
        "flows/versions/<int:pk>/publish/",
        flow_views.FlowVersionPublishView.as_view(),
        name="flowversion_publish",
    ),
    path(
        "flows/versions/<int:pk>/discard/",
        flow_views.FlowVersionDiscardView.as_view(),
        name="flowversion_discard",
    ),
    path(
        "flows/versions/<int:version_pk>/stages/add/", flow_views.StageCreateView.as_view(), name="stage_add"
    ),
    path("flows/stages/<int:pk>/edit/", flow_views.StageEditView.as_view(), name="stage_edit"),
    path("flows/stages/<int:pk>/delete/", flow_views.StageDeleteView.as_view(), name="stage_delete"),
    path("flows/stages/<int:pk>/move/", flow_views.StageMoveView.as_view(), name="stage_move"),
    path("delegations/", delegation_views.DelegationListView.as_view(), name="delegation_list"),
    path("delegations/<int:pk>/end/", delegation_views.DelegationEndView.as_view(), name="delegation_end"),
]
