"""The admin asks staff for their second factor, through the same pages as the advisors'."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode


class TwoFactorAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and request.user.is_verified()

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        # Signed in with a password but not yet with the second factor: finish that first.
        user = request.user
        if user.is_authenticated and user.is_active and user.is_staff and not user.is_verified():
            next_url = request.GET.get("next") or reverse("admin:index")
            return redirect(reverse("advisors:two_factor") + "?" + urlencode({"next": next_url}))
        return super().login(request, extra_context)


class TwoFactorAdminConfig(AdminConfig):
    default_site = "config.admin.TwoFactorAdminSite"
