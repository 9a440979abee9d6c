"""The firm's plan: its own target bands, and the one-page plan PDF (issue 13)."""

from __future__ import annotations

import io
import logging
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from config.ratelimit import rate_limit
from programmes.packs import ApplicationPack, application_pack
from readiness import services
from readiness.forms import PlanTargetsForm
from readiness.models import Assessment
from readiness.reports.rendering import ReportRenderError, html_to_pdf
from readiness.reports.selectors import progress_since_previous, results_context
from readiness.views.assessment import holder_view, results_page_context
from readiness.views.language import in_assessment_language

logger = logging.getLogger(__name__)
# Where the (never cached) target form goes inside the cached results body: the form carries
# this session's CSRF token, so the body keeps this mark and each request puts the form there.
PLAN_TARGETS_SLOT = mark_safe("<!-- plan-targets-form -->")  # noqa: S308 (a constant)
# What fits on the one-page plan with its summary; the full report has every step.
ONE_PAGE_STEPS = 6


def plan_body_context(context: dict[str, Any]) -> dict[str, Any]:
    """What the cached results body adds to ``results_context``: the plan's links."""
    assessment = context["assessment"]
    return {
        "plan_pdf_url": reverse("readiness:plan_pdf", args=[assessment.public_id]),
        "pack_links": _pack_links(context),
        "plan_targets_slot": PLAN_TARGETS_SLOT,
    }


def holder_context(assessment: Assessment, form: PlanTargetsForm | None = None
                   ) -> dict[str, Any]:
    """What the results page shows around its (cached) body, from the stored scores: progress
    since the previous assessment and the target form (with this session's CSRF token)."""
    spec = assessment.framework.spec
    stored = assessment.scores or {}
    bands, overall = stored.get("dimensions") or {}, stored.get("overall")
    progress = progress_since_previous(assessment, spec)
    overall_change = None
    if progress is not None and progress.previous_overall is not None and overall is not None:
        overall_change = round(overall - progress.previous_overall, 1)
    return {
        "assessment": assessment, "spec": spec, "scores": {"overall": overall},
        "progress": progress,
        "progress_overall_change": overall_change,
        "progress_overall_size": abs(overall_change) if overall_change else None,
        "progress_unchanged": sum(1 for row in progress.rows if row[1] == row[2])
        if progress else 0,
        "plan_targets_form": form or PlanTargetsForm(
            spec=spec, bands=bands, targets=assessment.plan_targets),
        "plan_targets_url": reverse("readiness:plan_targets", args=[assessment.public_id]),
    }


def _pack_links(context: dict[str, Any]) -> list[tuple[str, str]]:
    """Matched programmes that help with a plan project: each gets an application pack."""
    matched = {m.slug for m in context["match_result"].matches}
    links: dict[str, str] = {}
    for step in context["plan"].steps:
        for project in step.projects:
            for funding in project.funded_by:
                if funding.programme in matched:
                    links.setdefault(funding.programme, funding.name)
    return list(links.items())


def _pack(assessment: Assessment, context: dict[str, Any], slug: str) -> ApplicationPack | None:
    found = next((m for m in context["match_result"].matches if m.slug == slug), None)
    if found is None:
        return None
    place = assessment.country_name + (f", {assessment.region_name}" if assessment.region else "")
    facts = [("Country and region", place), ("Sector", assessment.sector_name),
             ("Employees", str(assessment.employees))]
    if assessment.turnover is not None:
        facts.append(("Annual turnover", f"{assessment.turnover_currency} "
                                         f"{assessment.turnover:,.0f}"))
    scores = context["scores"]
    shown = [("Overall", _score(scores.overall))] + [
        (block.name, _score(score)) for block, score, _pillars in context["block_rows"]]
    return application_pack(found, context["plan"], firm_name=assessment.company_name,
                            firm_facts=facts, scores=shown)


def _score(value: float | None) -> str:
    return "not rated" if value is None else f"{value:.1f}"


@require_GET
@holder_view
def pack_page(request: HttpRequest, assessment: Assessment, slug: str) -> HttpResponse:
    """One matched programme's application pack, with its text ready to copy."""
    if assessment.is_draft:
        return redirect("readiness:review", public_id=assessment.public_id)
    context = results_context(assessment)
    pack = _pack(assessment, context, slug)
    if pack is None:
        return render(request, "errors/404.html", status=404)
    return render(request, "readiness/pack.html", {"assessment": assessment, "pack": pack})


@require_GET
@rate_limit("pdf")
@holder_view
@in_assessment_language
def pack_pdf(request: HttpRequest, assessment: Assessment, slug: str) -> HttpResponse:
    """The application pack on one page."""
    if assessment.is_draft:
        return redirect("readiness:review", public_id=assessment.public_id)
    context = results_context(assessment)
    pack = _pack(assessment, context, slug)
    if pack is None:
        return render(request, "errors/404.html", status=404)
    html = render_to_string("reports/pack.html", {"assessment": assessment, "pack": pack,
                                                  "generated_on": timezone.localdate()})
    try:
        pdf = html_to_pdf(html)
    except ReportRenderError:
        logger.exception("Pack PDF failed for assessment %s", assessment.pk)
        return render(request, "reports/failed.html", {"assessment": assessment}, status=503)
    name = slugify(assessment.company_name) or "firm"
    response = FileResponse(io.BytesIO(pdf.content), as_attachment=True,
                            filename=f"application-pack-{name}-{slug}.pdf",
                            content_type="application/pdf")
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@holder_view
def plan_targets(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    """Save the firm's own target bands; a bad choice re-shows the page with its message."""
    if assessment.is_draft:
        return redirect("readiness:review", public_id=assessment.public_id)
    context = results_context(assessment)
    data = context["results"]
    form = PlanTargetsForm(request.POST, spec=data.spec, bands=data.scores.dimensions,
                           targets=assessment.plan_targets)
    if form.is_valid():
        try:
            services.assessment_set_plan_targets(assessment=assessment, targets=form.targets())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Your plan now follows the target bands you chose.")
            return redirect(reverse("readiness:results", args=[assessment.public_id]) + "#plan")
    return render(request, "readiness/results.html",
                  results_page_context(request, assessment, plan_targets_form=form), status=400)


@require_GET
@rate_limit("pdf")
@holder_view
@in_assessment_language
def plan_pdf(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    """The plan on one page, to take to a board or a funder; a failure is a page, not a 500."""
    if assessment.is_draft:
        return redirect("readiness:review", public_id=assessment.public_id)
    context = results_context(assessment)
    plan = context["plan"]
    html = render_to_string("reports/plan.html", {
        **context, "generated_on": timezone.localdate(),
        "plan": plan.head(ONE_PAGE_STEPS),
        "more_steps": max(len(plan.steps) - ONE_PAGE_STEPS, 0),
    })
    try:
        pdf = html_to_pdf(html)
    except ReportRenderError:
        logger.exception("Plan PDF failed for assessment %s", assessment.pk)
        return render(request, "reports/failed.html", {"assessment": assessment}, status=503)
    name = slugify(assessment.company_name) or "firm"
    response = FileResponse(io.BytesIO(pdf.content), as_attachment=True,
                            filename=f"plan-{name}.pdf", content_type="application/pdf")
    response["Cache-Control"] = "private, no-store"
    return response
