"""The public page and its QR code and photos, for anyone with the address (no login); and the
management page of a project's public page, where city staff publish and withdraw it."""

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView

from core.files import stored_file_response
from core.views import RestrictedViewMixin
from projects.models import Project
from reports.models import ProjectPublicPage

from . import selectors, services
from .forms import PublishForm
from .limits import over_limit
from .qr import absolute_public_url, qr_svg

NOINDEX = "noindex, nofollow, noarchive"


def cache_seconds():
    return settings.PUBLIC_PAGE_CACHE_SECONDS


def page_cache_key(page):
    # The version changes with every publish, withdraw and hotline change (reports.public.services).
    return f"public-page:{page.token}:{page.version}:{get_language()}"


def _public(response):
    response["X-Robots-Tag"] = NOINDEX
    response["Referrer-Policy"] = "no-referrer"  # the token never leaves in a Referer header
    return response


def too_many_requests():
    return _public(
        HttpResponse(
            _("Too many requests from your network. Please wait a minute and try again."),
            status=429,
            content_type="text/plain; charset=utf-8",
            headers={"Retry-After": "60"},
        )
    )


class PublicView(View):
    """GET only, no login, rate-limited per client address; 404 for anything not published."""

    http_method_names = ["get", "head"]

    def dispatch(self, request, *args, **kwargs):
        if over_limit(request):
            return too_many_requests()
        return _public(super().dispatch(request, *args, **kwargs))


class PublicPageView(PublicView):
    """A published project's page: one query to find it, then its HTML from the cache."""

    def get(self, request, token):
        page = selectors.published_page(token)
        if page is None:
            raise Http404
        key = page_cache_key(page)
        html = cache.get(key)
        if html is None:
            html = render_to_string(
                "reports/public/page.html", {"page": page, "facts": selectors.public_facts(page)}
            )
            cache.set(key, html, cache_seconds())
        response = HttpResponse(html)
        # The portal's cache does the work; a browser asks again, so a withdrawn page is gone at once.
        response["Cache-Control"] = "no-cache"
        return response


class PublicQrView(PublicView):
    """The QR code of a published page's address, as SVG."""

    def get(self, request, token):
        page = selectors.published_page(token)
        if page is None:
            raise Http404
        response = HttpResponse(qr_svg(absolute_public_url(page, request)), content_type="image/svg+xml")
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
        response["Cache-Control"] = "public, max-age=3600"
        return response


class PublicPhotoView(PublicView):
    """A photo of a published page's project, named by a signed key the page printed."""

    def get(self, request, key):
        photo = selectors.published_photo(key)
        if photo is None:
            raise Http404
        response = stored_file_response(photo.file, photo.filename, inline=True)
        response["Cache-Control"] = f"public, max-age={cache_seconds()}"
        return response


class PublicPageManageView(RestrictedViewMixin, DetailView):
    """A project's public page as its staff see it: published or not, the address and QR code, and
    for city staff the buttons to publish or withdraw it and the hotline it prints."""

    model = ProjectPublicPage
    portal_actions = ()
    template_name = "reports/public/manage.html"
    context_object_name = "project"

    def base_queryset(self):
        return Project.objects.restrict(self.request.user).select_related("region")

    def get_object(self, queryset=None):
        return self.get_in_scope(self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = self.object
        page = ProjectPublicPage.objects.filter(project=project).select_related("published_by").first()
        published = page is not None and page.is_published
        context.update(
            project=project,
            page=page,
            published=published,
            public_url=absolute_public_url(page, self.request) if published else "",
            portal_url_missing=not getattr(settings, "PORTAL_URL", ""),
            may_publish=self.request.user.has_perm(services.PUBLISH),
            hotline=page.hotline if page else ProjectPublicPage._meta.get_field("hotline").default,
        )
        return context


class PublicPageActionView(PublicPageManageView):
    """POST only: publish or withdraw, then back to the management page."""

    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm(services.PUBLISH):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PublicPagePublishView(PublicPageActionView):
    def post(self, request, *args, **kwargs):
        project = self.get_object()
        form = PublishForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
            return redirect("reports:public_page_manage", project.pk)
        try:
            services.public_page_publish(
                project=project, user=request.user, hotline=form.cleaned_data["hotline"]
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The public page is published."))
        return redirect("reports:public_page_manage", project.pk)


class PublicPageWithdrawView(PublicPageActionView):
    def post(self, request, *args, **kwargs):
        project = self.get_object()
        services.public_page_withdraw(project=project, user=request.user)
        messages.success(request, _("The public page is withdrawn: its address no longer opens."))
        return redirect("reports:public_page_manage", project.pk)
