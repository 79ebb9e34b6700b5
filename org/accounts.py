"""Logging in and out and changing the password: Django's views, with an audit entry each."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.http import client_ip
from core.models import AuditEntry
from core.views import FORM_PAGE_METHODS


class PortalAuthenticationForm(AuthenticationForm):
    """Django's form, with the user name's length checked before anything is looked up: Django
    sets the limit on the field only for the page, and a 10,000-character name went on to the
    login-failure log, whose column it overflows."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


class PortalLoginView(auth_views.LoginView):
    redirect_authenticated_user = True
    http_method_names = FORM_PAGE_METHODS
    authentication_form = PortalAuthenticationForm

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(
            actor=self.request.user,
            action=AuditEntry.Action.LOGIN,
            obj=self.request.user,
            ip=client_ip(self.request),
        )
        return response

    def form_invalid(self, form):
        username = (form.data.get("username") or "")[:150]
        audit_record(
            actor=None, action=AuditEntry.Action.LOGIN_FAILED, summary=username, ip=client_ip(self.request)
        )
        return super().form_invalid(form)


class PortalLogoutView(auth_views.LogoutView):
    """POST only (Django's own rule since 5.0): a link cannot log anybody out."""

    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            audit_record(
                actor=request.user, action=AuditEntry.Action.LOGOUT, obj=request.user, ip=client_ip(request)
            )
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You have logged out."))
        return response


class PortalPasswordChangeView(auth_views.PasswordChangeView):
    http_method_names = FORM_PAGE_METHODS

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(
            actor=self.request.user,
            action=AuditEntry.Action.PASSWORD_CHANGE,
            obj=self.request.user,
            ip=client_ip(self.request),
        )
        return response
