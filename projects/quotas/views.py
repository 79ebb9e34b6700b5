"""The quota page (/projects/quotas/?year=): a city's quota and its districts' shares for a year.
The city's staff edit the whole table in one form; everyone else who reads quotas reads their rows."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from core.exports import export_response
from core.imports import importer_allowed
from core.permissions import can
from core.views import RestrictedViewMixin
from projects.models import AnnualQuota
from projects.models.quota import FIRST_YEAR, LAST_YEAR

from .forms import QuotaRowForm, quota_initial
from .selectors import FACTORS, cities_of, figure_text, quota_table
from .services import quotas_save


class QuotaTableView(RestrictedViewMixin, View):
    model = AnnualQuota
    template_name = "projects/quota_table.html"
    http_method_names = ["get", "post", "head", "options"]

    def choose(self):
        """The city (?city=, among the user's) and the year (?year=, this year when missing or junk)."""
        cities = list(cities_of(self.request.user).order_by("path"))
        wanted = self.request.GET.get("city", "")
        self.city = next((c for c in cities if str(c.pk) == wanted), cities[0] if cities else None)
        self.cities = cities
        this_year = timezone.localdate().year
        try:
            year = int(self.request.GET.get("year", this_year))
        except ValueError:
            year = this_year
        self.year = year if FIRST_YEAR <= year <= LAST_YEAR else this_year

    def may_edit(self):
        user = self.request.user
        return (
            self.city is not None
            and can(user, "add", AnnualQuota)
            and can(user, "change", AnnualQuota)
            and AnnualQuota.scope.covers(user, AnnualQuota(region=self.city))
        )

    def forms_for(self, table, data=None):
        rows = [table.city_row, *table.district_rows] if table.city_row else table.district_rows
        return [
            QuotaRowForm(
                data, region=row.region, prefix=f"r{row.region.pk}", initial=quota_initial(row.quota)
            )
            for row in rows
        ]

    def years(self):
        this_year = timezone.localdate().year
        kept = AnnualQuota.objects.restrict(self.request.user)
        if self.city is not None:
            kept = kept.filter(region__path__startswith=self.city.path)
        years = set(kept.order_by().values_list("year", flat=True).distinct())
        return sorted({*years, this_year, this_year + 1, self.year}, reverse=True)

    def page(self, table, forms=None, errors=()):
        editing = forms is not None
        rows = []
        all_rows = [table.city_row, *table.district_rows] if table.city_row else table.district_rows
        for index, row in enumerate(all_rows):
            rows.append(
                {
                    "row": row,
                    "form": forms[index] if editing else None,
                    "is_city": row is table.city_row,
                    "cells": [
                        figure_text(name, row.value(name)) if row.quota else "—" for name, _l, _u in FACTORS
                    ],
                }
            )
        return render(
            self.request,
            self.template_name,
            {
                "table": table,
                "rows": rows,
                "editing": editing,
                "errors": errors,
                "factors": FACTORS,
                "sums": [
                    (figure_text(name, table.sums[name]), name in {m.factor for m in table.mismatches})
                    for name, _l, _u in FACTORS
                ],
                "cities": self.cities,
                "city": self.city,
                "year": self.year,
                "years": self.years(),
                "can_import": importer_allowed(self.request.user, "quotas"),
                "verbose_name_plural": AnnualQuota._meta.verbose_name_plural,
            },
        )

    def get(self, request, *args, **kwargs):
        self.choose()
        if self.city is None:
            return render(
                request,
                self.template_name,
                {"city": None, "verbose_name_plural": AnnualQuota._meta.verbose_name_plural},
            )
        if request.GET.get("export") in ("xlsx", "csv"):
            return export_response(
                user=request.user,
                kind="quotas",
                queryset=AnnualQuota.objects.restrict(request.user)
                .filter(region__path__startswith=self.city.path, year=self.year)
                .order_by("region__path"),
                export_format=request.GET["export"],
            )
        table = quota_table(self.city, self.year, user=request.user)
        return self.page(table, self.forms_for(table) if self.may_edit() else None)

    def post(self, request, *args, **kwargs):
        self.choose()
        if not self.may_edit():
            raise PermissionDenied
        table = quota_table(self.city, self.year, user=request.user)
        forms = self.forms_for(table, request.POST)
        if not all(form.is_valid() for form in forms):
            return self.page(table, forms, self.form_errors(forms))
        rows = [
            {"region": form.region, "delete": True}
            if form.is_empty()
            else {"region": form.region, **form.figures()}
            for form in forms
        ]
        try:
            changed = quotas_save(actor=request.user, year=self.year, rows=rows)
        except ValidationError as error:
            return self.page(table, forms, error.messages)
        if changed:
            messages.success(request, _("The quotas of %(year)s are saved.") % {"year": self.year})
        else:
            messages.info(request, _("Nothing changed."))
        return redirect(f"{reverse('projects:quota_table')}?city={self.city.pk}&year={self.year}")

    @staticmethod
    def form_errors(forms):
        """Each wrong box as a sentence naming its region and column."""
        return [
            _("%(region)s, %(field)s: %(message)s")
            % {
                "region": form.region.name,
                "field": form.fields[name].label if name in form.fields else "",
                "message": message,
            }
            for form in forms
            for name, field_errors in form.errors.items()
            for message in field_errors
        ]
