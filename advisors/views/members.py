"""An organisation's programme managers run its members: invite, re-send, remove."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from advisors import services
from advisors.access import manager_required
from advisors.forms import MemberInviteForm
from advisors.models import Membership


def _members(request: HttpRequest):
    return (Membership.objects.filter(organisation=request.membership.organisation)
            .select_related("user").order_by("user__last_name", "user__first_name"))


@require_http_methods(["GET", "HEAD", "POST"])
@manager_required
def members(request: HttpRequest) -> HttpResponse:
    form = MemberInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.member_invite(organisation=request.membership.organisation,
                                                invited_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(request, f"Invitation sent to {membership.user.email}.")
            return redirect("advisors:members")
    status = 400 if request.method == "POST" else 200
    return render(request, "advisors/members.html",
                  {"form": form, "members": _members(request)}, status=status)


def _member(request: HttpRequest, membership_id: int) -> Membership:
    return get_object_or_404(Membership.objects.select_related("user", "organisation"),
                             pk=membership_id, organisation=request.membership.organisation)


@require_POST
@manager_required
def member_remove(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = _member(request, membership_id)
    try:
        services.member_remove(membership=membership, removed_by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"{membership.user.get_full_name() or membership.user.email} "
                                  "no longer belongs to your organisation.")
    return redirect("advisors:members")


@require_POST
@manager_required
def member_invitation_resend(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = _member(request, membership_id)
    try:
        services.member_invitation_send(membership=membership, invited_by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"Invitation sent again to {membership.user.email}.")
    return redirect("advisors:members")
