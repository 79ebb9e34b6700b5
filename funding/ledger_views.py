"""The ledger page (资金台账, /funding/ledger/) and its .xlsx export: the user's money for a year per
district and source, per source, per project (paginated) and in total, with the warnings."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.imports import importer_allowed
from core.replica import reads_from_replica
from core.views import ObjectListView
from org.models import Region

from .ledger import city_ledger, ledger_projects, ledger_rows, project_blocks, sources_for, sums_by
from .ledger_export import ledger_export_response
from .ledger_warnings import KIND_LABELS, ledger_warnings
from .models import FundingPlanLine, FundReceipt
from .pages.selectors import reads_residents_share_only

IMPORTS = (
    ("funding_plans", _("Import funding plans")),
    ("receipts", _("Import receipts")),
    ("disbursements", _("Import earlier payments")),
)

SHOWN_WARNINGS = 50


class LedgerFilter(django_filters.FilterSet):
    """Year (empty: every year), district and source. They choose what the ledger adds up
    (``funding.ledger.ledger_rows``), so their methods leave a queryset as it is."""

    year = django_filters.ChoiceFilter(label=_("year"), method="chosen", empty_label=_("all years"))
    district = django_filters.ModelChoiceFilter(
        label=_("district or county"), queryset=Region.objects.none(), method="chosen"
    )
    source = django_filters.ModelChoiceFilter(label=_("funding source"), queryset=None, method="chosen")

    class Meta:
        model = FundReceipt
        fields = []

    def __init__(self, data=None, *args, request=None, **kwargs):
        user = request.user
        this_year = timezone.localdate().year
        if data is not None and "year" not in data:
            data = data.copy()
            data["year"] = str(this_year)  # the page opens on this year; "全部年度" is a choice
        super().__init__(data, *args, request=request, **kwargs)
        planned = FundingPlanLine.objects.restrict(user).order_by().values_list("year", flat=True).distinct()
        years = sorted({this_year, *planned}, reverse=True)
        self.filters["year"].extra["choices"] = [(str(y), str(y)) for y in years]
        districts = Region.objects.restrict(user).filter(level=Region.Level.DISTRICT)
        if districts.count() > 1:
            self.filters["district"].queryset = districts
        else:
            del self.filters["district"]
        self.filters["source"].queryset = sources_for(user)

    def chosen(self, queryset, name, value):
        return queryset

    def choice(self):
        """{year, district, source} as chosen; a value the form refuses counts as not chosen (the
        year as this one)."""
        self.form.is_valid()
        data = self.form.cleaned_data
        year = data.get("year") if "year" in data else str(timezone.localdate().year)
        return {
            "year": int(year) if year else None,
            "district": data.get("district"),
            "source": data.get("source"),
        }


class LedgerView(ObjectListView):
    """The ledger; ``?export=xlsx`` downloads the same rows in a finance bureau's layout."""

    model = FundReceipt
    portal_actions = ()
    template_name = "funding/ledger.html"
    filterset_class = LedgerFilter
    export_kind = ""  # not an importer's columns: the export is the ledger's own layout

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            return self.export("xlsx")
        return super().get(request, *args, **kwargs)

    def setup_ledger(self):
        user = self.request.user
        self.filterset = LedgerFilter(
            self.request.GET, queryset=FundReceipt.objects.none(), request=self.request
        )
        self.choice = self.filterset.choice()
        self.sources = {source.pk: source for source in sources_for(user)}
        self.rows = ledger_rows(user, **self.choice)

    def get_queryset(self):
        self.setup_ledger()
        return ledger_projects(self.rows)

    # The whole ledger is read for the workbook: from the read replica when there is one.
    @reads_from_replica()
    def export(self, export_format):
        self.setup_ledger()
        user = self.request.user
        projects = ledger_projects(self.rows)
        return ledger_export_response(
            user=user,
            filterset=self.filterset,
            choice=self.choice,
            ledger=city_ledger(self.rows, self.sources),
            projects=project_blocks(projects, sums_by(self.rows, "project", "source"), self.sources),
            warnings=ledger_warnings(user, district=self.choice["district"], source=self.choice["source"]),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["object_list"]
        warnings = ledger_warnings(
            self.request.user, district=self.choice["district"], source=self.choice["source"]
        )
        flagged = {}
        for warning in warnings:
            flagged.setdefault(warning.project_id, set()).add(warning.kind)
        blocks = project_blocks(
            page, sums_by(self.rows.for_projects([p.pk for p in page]), "project", "source"), self.sources
        )
        for block in blocks:
            block.warnings = [
                KIND_LABELS[kind] for kind in KIND_LABELS if kind in flagged.get(block.project.pk, ())
            ]
        context.update(
            residents_only=reads_residents_share_only(self.request.user),
            choice=self.choice,
            ledger=city_ledger(self.rows, self.sources),
            project_blocks=blocks,
            warnings=warnings[:SHOWN_WARNINGS],
            warning_count=len(warnings),
            warning_counts=[
                (label, sum(1 for w in warnings if w.kind == kind)) for kind, label in KIND_LABELS.items()
            ],
            # The spreadsheets this user may import (the plan, the receipts, earlier payments).
            imports=[(kind, label) for kind, label in IMPORTS if importer_allowed(self.request.user, kind)],
        )
        return context
