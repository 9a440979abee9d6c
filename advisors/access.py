"""Who may see what in the advisor workspace: members see their organisation's caseload only."""

from __future__ import annotations

import functools

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import urlencode

from advisors.models import Membership, Share


def membership_for(user) -> Membership | None:
    if not user.is_authenticated:
        return None
    try:
        return Membership.objects.select_related("organisation").get(user=user)
    except Membership.DoesNotExist:
        return None


def advisor_required(view):
    """Signed-in members of an organisation only; others are sent to log in or refused."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        membership = membership_for(request.user)
        if membership is None:
            raise PermissionDenied("Your account does not belong to an advisory organisation.")
        if not request.user.is_verified():
            # Password alone is not enough for firms' data: the second factor comes next.
            return redirect(reverse("advisors:two_factor") + "?"
                            + urlencode({"next": request.get_full_path()}))
        request.membership = membership
        # The page's navigation asks user.membership too: fill that cache, not a second query.
        request.user.membership = membership
        return view(request, *args, **kwargs)

    return wrapper


def manager_required(view):
    """Programme managers of an organisation only (they run its members); others are refused."""

    @advisor_required
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if request.membership.role != Membership.Role.MANAGER:
            raise PermissionDenied("Only your organisation's programme managers manage its members.")
        return view(request, *args, **kwargs)

    return wrapper


def share_for_member(request: HttpRequest, share_id: int) -> Share:
    """An active share of the member's organisation; anything else is a 404 (no existence leak)."""
    return get_object_or_404(
        Share.objects.select_related("assessment__framework", "assessment__firm",
                                     "assigned_advisor", "organisation"),
        pk=share_id,
        organisation=request.membership.organisation,
        withdrawn_at__isnull=True,
    )
