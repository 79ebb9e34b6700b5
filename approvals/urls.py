from django.urls import path

from . import views

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
]
