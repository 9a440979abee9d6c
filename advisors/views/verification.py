"""An advisor marks a shared assessment's answers verified (issue 16): confidence, not scores."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from advisors.access import MemberRequest, advisor_required, share_for_member
from readiness.team_services import answers_verify


@require_POST
@advisor_required
def verify_answers(request: MemberRequest, share_id: int) -> HttpResponse:
    share = share_for_member(request, share_id)  # an active share of the advisor's organisation
    spec = share.assessment.framework.spec
    keys = [key for key in request.POST.getlist("verified") if key in spec.dimensions]
    count = answers_verify(assessment=share.assessment, dimension_keys=keys, user=request.user)
    messages.success(request, f"{count} answer{'s' if count != 1 else ''} marked verified.")
    return redirect(share.get_absolute_url() + "#verify")
