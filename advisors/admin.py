"""Staff onboard delivery bodies here: organisations, the regions they cover, their members."""

from __future__ import annotations

from django.contrib import admin

from advisors.models import Coverage, Membership, Organisation


class CoverageInline(admin.TabularInline):
    model = Coverage
    extra = 1


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "website", "is_synthetic"]
    list_filter = ["is_synthetic"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CoverageInline, MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__username", "user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation"]
