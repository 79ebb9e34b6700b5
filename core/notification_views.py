"""The user's notifications: the list, opening one (read, then to where it points), marking all read.
Every row comes through ``restrict()`` (OwnerScope): another user's notification answers 404."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View

from .models import Notification
from .notifications import notification_open, notifications_for, notifications_mark_read
from .views import ObjectListView, RestrictedViewMixin


class NotificationListView(ObjectListView):
    """Newest first, 20 a page; unread ones stand out (the page itself marks nothing read)."""

    model = Notification
    portal_actions = ()
    template_name = "core/notification_list.html"

    def base_queryset(self):
        return notifications_for(self.request.user)


class NotificationOpenView(RestrictedViewMixin, View):
    """GET: mark the notification read and go where it points."""

    model = Notification
    http_method_names = ["get", "head"]

    def get(self, request, pk):
        notification = self.get_in_scope(pk)
        return redirect(notification_open(notification=notification, actor=request.user))


class NotificationReadAllView(RestrictedViewMixin, View):
    """POST: mark every notification of the user read, then back to the list."""

    model = Notification
    http_method_names = ["post"]

    def post(self, request):
        count = notifications_mark_read(actor=request.user)
        if count:
            messages.success(request, _("Marked %(count)s notifications read.") % {"count": count})
        return redirect("core:notification_list")
