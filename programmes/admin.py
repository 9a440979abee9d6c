"""Staff curate programmes here, with bulk import (dry run first) and export as CSV or XLSX."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from programmes.forms import ProgrammeAdminForm
from programmes.models import STALE_AFTER_DAYS, Institution, Programme, Status
from programmes.services import COLUMNS, MAX_IMPORT_BYTES, programmes_frame, programmes_import
from programmes.templatetags.programme_tags import country_label, region_names, sector_names
from readiness.spreadsheets import CONTENT_TYPES, spreadsheet_response


class OpenNowFilter(admin.SimpleListFilter):
    title = _("open today")
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("yes", _("Open")), ("no", _("Closed or not yet open"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "yes":
            return queryset.open_on(today)
        if self.value() == "no":
            return queryset.closed_on(today)
        return queryset


class NeedsCheckingFilter(admin.SimpleListFilter):
    """The curation queue: what staff should re-check against a source next."""

    title = _("needs checking")
    parameter_name = "needs_checking"

    def lookups(self, request, model_admin):
        return [("yes", _("Needs checking"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.needs_checking_on(timezone.localdate())
        return queryset


class ImportForm(forms.Form):
    file = forms.FileField(help_text=_("A .csv (UTF-8) or .xlsx file with the export's columns."))
    dry_run = forms.BooleanField(
        required=False, initial=True,
        help_text=_("Check every row and report, without writing anything."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."), code="too_large")
        return upload


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "country"]
    list_filter = ["country"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    form = ProgrammeAdminForm
    list_display = ["name", "country", "status", "status_checked_on", "check_reason",
                    "open_today", "closes_on"]
    list_filter = [NeedsCheckingFilter, "status", "country", "kinds", OpenNowFilter]
    search_fields = ["name", "slug", "summary", "description", "institutions__name"]
    filter_horizontal = ["institutions", "kinds"]
    readonly_fields = ["eligibility_summary", "updated_at"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["export_csv", "export_xlsx"]
    change_list_template = "admin/programmes/programme/change_list.html"
    fieldsets = [
        (None, {"fields": ["slug", "name", "official_name", "country", "summary",
                           "description", "institutions", "kinds", "primary_kind"]}),
        (_("Status"), {"fields": ["status", "status_checked_on", "status_source",
                                  "regional_status"]}),
        (_("Money"), {"fields": ["amount_max", "amount_currency", "match_rate_percent",
                                 "budget_note", "cost_to_firm", "tiers"]}),
        (_("Eligibility"), {"fields": ["eligibility_summary", "eligible_countries",
                                       "eligible_regions", "eligible_sectors", "min_employees",
                                       "max_employees", "max_turnover", "max_turnover_currency",
                                       "size_rule", "sme_rule", "firm_types"]}),
        (_("Fit"), {"fields": ["dimensions", "min_band", "max_band"]}),
        (_("Dates and how to apply"), {"fields": ["opens_on", "closes_on", "rounds",
                                                  "how_to_apply", "apply_url", "delivery",
                                                  "predecessor", "successor"]}),
        (_("Source"), {"fields": ["source_title", "source_url", "facts_as_of", "other_sources",
                                  "sources", "assumptions", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("kinds", "institutions")

    @admin.display(description=_("kinds"))
    def kinds_list(self, obj: Programme) -> str:
        return ", ".join(str(k) for k in obj.kinds.all())

    @admin.display(description=_("why check it"))
    def check_reason(self, obj: Programme) -> str:
        today = timezone.localdate()
        reasons = []
        if obj.status == Status.UNKNOWN:
            reasons.append(str(_("status unknown")))
        elif (obj.status_checked_on and obj.status != Status.CLOSED
              and (today - obj.status_checked_on).days > STALE_AFTER_DAYS):
            reasons.append(str(_("checked over a year ago")))
        closes = [obj.closes_on] + [_day(r.get("closes_on")) for r in obj.rounds
                                    if isinstance(r, dict)]
        if any(c and 0 <= (c - today).days <= 30 for c in closes):
            reasons.append(str(_("closes within 30 days")))
        return "; ".join(reasons) or "-"

    @admin.display(description=_("open today"), boolean=True)
    def open_today(self, obj: Programme) -> bool:
        return obj.is_open

    @admin.display(description=_("who qualifies"))
    def eligibility_summary(self, obj: Programme):
        if obj.pk is None:
            return "-"
        size = []
        if obj.min_employees:
            size.append(f"at least {obj.min_employees} employees")
        if obj.max_employees:
            size.append(f"at most {obj.max_employees} employees")
        if obj.max_turnover is not None:
            joiner = "or" if obj.size_rule == Programme.SizeRule.ANY else "and"
            size.append(f"{joiner} turnover at most {obj.max_turnover_currency} "
                        f"{obj.max_turnover:,.0f}")
        lines = [
            (_("Countries"), ", ".join(country_label(c) for c in obj.eligible_countries)
             or _("any")),
            (_("Regions"), region_names(obj.eligible_regions, obj.country) or _("any")),
            (_("Sectors"), sector_names(obj.eligible_sectors) or _("any")),
            (_("Size"), " ".join(size) or _("any")),
            (_("Other conditions"), "; ".join(obj.firm_types) or _("none")),
        ]
        return format_html_join("", "<div><strong>{}:</strong> {}</div>", lines)

    # Export ------------------------------------------------------------------------------------

    def _export(self, queryset, fmt: str) -> HttpResponse:
        frame = programmes_frame(queryset.prefetch_related("kinds", "institutions"))
        stamp = timezone.localdate().isoformat()
        return spreadsheet_response({"programmes": frame}, filename=f"programmes-{stamp}", fmt=fmt)

    @admin.action(description=_("Export selected programmes as CSV"))
    def export_csv(self, request, queryset):
        return self._export(queryset, "csv")

    @admin.action(description=_("Export selected programmes as XLSX"))
    def export_xlsx(self, request, queryset):
        return self._export(queryset, "xlsx")

    def export_view(self, request: HttpRequest, fmt: str) -> HttpResponse:
        # An unknown format is a 404, not a KeyError (F13); staff without the view permission
        # (an advisor manager) get what the admin gives them everywhere else: 403.
        if fmt not in CONTENT_TYPES:
            raise Http404
        if not self.has_view_permission(request):
            raise PermissionDenied
        return self._export(self.get_queryset(request), fmt)

    # Import ------------------------------------------------------------------------------------

    def get_urls(self):
        urls = [
            path("import/", self.admin_site.admin_view(self.import_view),
                 name="programmes_programme_import"),
            path("export/<str:fmt>/", self.admin_site.admin_view(self.export_view),
                 name="programmes_programme_export"),
        ]
        return urls + super().get_urls()

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request) or not self.has_change_permission(request):
            raise PermissionDenied
        report = None
        if request.method == "POST":
            form = ImportForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                # Long imports belong in a task; at 5 MB and 5,000 rows at most this stays quick.
                report = programmes_import(name=upload.name, content=upload.read(),
                                           dry_run=form.cleaned_data["dry_run"])
        else:
            form = ImportForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import programmes"),
            "form": form,
            "report": report,
            "columns": COLUMNS,
            "changelist_url": reverse("admin:programmes_programme_changelist"),
        }
        return TemplateResponse(request, "admin/programmes/programme/import.html", context)


def _day(value: object) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value)) if value else None
    except (TypeError, ValueError):
        return None
