"""The results page of a submitted assessment, for its link holder."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from readiness.access import holder_view
from readiness.models import Assessment
from readiness.views.assessment import resume_link
from reports.results_cache import results_body_get, results_body_set
from reports.selectors import results_context


@require_GET
@holder_view
def results(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    if assessment.is_draft:
        messages.info(request, "Submit your assessment to see its results.")
        return redirect("readiness:review", public_id=assessment.public_id)
    return render(request, "readiness/results.html", results_page_context(request, assessment))


def results_page_context(request: HttpRequest, assessment: Assessment,
                         plan_targets_form=None) -> dict:
    """The results page: its body (scores, priorities, plan, matches) from the cache while
    nothing it shows has changed (reports.results_cache), and around it what is the holder's
    own: progress, the target form (it carries this session's CSRF token, so it is never
    cached) and the resume link."""
    from reports.views.plan import (  # plan imports this module
        PLAN_TARGETS_SLOT,
        holder_context,
        plan_body_context,
    )

    body = results_body_get(public_id=assessment.public_id, variant=assessment.plan_targets)
    if body is None:
        context = results_context(assessment)
        body = render_to_string("readiness/_results_body.html",
                                {**context.template_context(), **plan_body_context(context)})
        results_body_set(public_id=assessment.public_id, variant=assessment.plan_targets,
                         html=body)
    holder = holder_context(assessment, plan_targets_form)
    form = render_to_string("readiness/_plan_targets.html", holder, request=request)
    # Both parts are our own rendered templates (escaped as they were drawn).
    page_body = mark_safe(body.replace(PLAN_TARGETS_SLOT, form, 1))  # noqa: S308
    return {**holder, "results_body": page_body,
            "resume_link": resume_link(request, assessment)}
