"""URLs of the public pages, in reports' namespace: /p/… for anyone (no login, listed nowhere) and
/reports/public/… for the staff who publish them."""

from django.urls import path

from . import views

urlpatterns = [
    path("p/photo/<str:key>/", views.PublicPhotoView.as_view(), name="public_photo"),
    path("p/<slug:token>/", views.PublicPageView.as_view(), name="public_page"),
    path("p/<slug:token>/qr.svg", views.PublicQrView.as_view(), name="public_page_qr"),
    path("reports/public/<int:pk>/", views.PublicPageManageView.as_view(), name="public_page_manage"),
    path(
        "reports/public/<int:pk>/publish/", views.PublicPagePublishView.as_view(), name="public_page_publish"
    ),
    path(
        "reports/public/<int:pk>/withdraw/",
        views.PublicPageWithdrawView.as_view(),
        name="public_page_withdraw",
    ),
]
