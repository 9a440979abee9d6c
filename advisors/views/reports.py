"""Reports for advisors: one case's PDF, and many cases' PDFs as a ZIP built by the worker."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from advisors import selectors
from advisors.access import advisor_required, share_for_member
from config.ratelimit import rate_limit
from readiness.languages import language_supported
from readiness.models import Assessment, ReportBundle
from readiness.reports.services import report_bundle_request
from readiness.views.reports import report_progress_response, report_response

# A bundle is built in the background, but a cap keeps one request from queueing hours of work.
MAX_BUNDLE = 200


@require_GET
@rate_limit("pdf")
@advisor_required
def case_report(request: HttpRequest, share_id: int) -> HttpResponse:
    share = share_for_member(request, share_id)
    language, query = _report_language(request)
    if language == "":
        return _unknown_language(request, share_id)
    return report_response(request, share.assessment, organisation_id=share.organisation_id,
                           progress_url=reverse("advisors:case_report_progress",
                                                args=[share_id]) + query,
                           language=language)


@require_GET
@advisor_required
def case_report_progress(request: HttpRequest, share_id: int) -> HttpResponse:
    """Where an advisor waits while the worker renders a case's PDF (F8)."""
    share = share_for_member(request, share_id)
    language, query = _report_language(request)
    if language == "":
        return _unknown_language(request, share_id)
    return report_progress_response(
        request, share.assessment, organisation_id=share.organisation_id,
        download_url=reverse("advisors:case_report", args=[share_id]) + query,
        back_url=reverse("advisors:review", args=[share_id]), back_label="Back to the case",
        language=language)


def _report_language(request: HttpRequest) -> tuple[str | None, str]:
    """The language an advisor chose for a case's PDF (``?lang=``) and the query string that
    keeps it: None without a choice (the firm's own language), "" for one we do not speak."""
    asked = request.GET.get("lang", "")
    if not asked:
        return None, ""
    language = language_supported(asked)
    return (language, f"?lang={language}") if language else ("", "")


def _unknown_language(request: HttpRequest, share_id: int) -> HttpResponse:
    messages.error(request, "Reports come in English, German, Korean or Traditional Chinese: "
                            "choose one of those languages.")
    return redirect("advisors:review", share_id=share_id)


@require_POST
@advisor_required
def bundle_request(request: HttpRequest) -> HttpResponse:
    """Queue a ZIP of the reports of the caseload as currently filtered (query string)."""
    shares = selectors.member_caseload(request)
    count = shares.count()
    if count == 0:
        messages.error(request, "No cases match these filters, so there is nothing to bundle.")
        return redirect("advisors:caseload")
    if count > MAX_BUNDLE:
        messages.error(request, f"{count} cases match: narrow the filters to at most "
                                f"{MAX_BUNDLE} to download their reports as one ZIP.")
        return redirect(f"{reverse('advisors:caseload')}?{request.GET.urlencode()}")
    assessments = Assessment.objects.filter(shares__in=shares)
    bundle = report_bundle_request(assessments=assessments, requested_by=request.user)
    return redirect("advisors:bundle", public_id=bundle.public_id)


def _own_bundle(request: HttpRequest, public_id) -> ReportBundle:
    return get_object_or_404(ReportBundle, public_id=public_id, requested_by=request.user)


@require_GET
@advisor_required
def bundle_status(request: HttpRequest, public_id) -> HttpResponse:
    bundle = _own_bundle(request, public_id)
    template = "advisors/bundle.html#progress" if request.htmx else "advisors/bundle.html"
    return render(request, template, {"bundle": bundle})


@require_GET
@advisor_required
def bundle_download(request: HttpRequest, public_id) -> HttpResponse:
    bundle = _own_bundle(request, public_id)
    if bundle.status != ReportBundle.Status.READY or not bundle.file:
        raise Http404("This bundle is not ready.")
    # Consent is checked at download, not only when the ZIP was built: once any firm in it has
    # withdrawn its share from this organisation (or was erased), the ZIP is not served.
    consented = bundle.assessments.filter(
        shares__organisation=request.membership.organisation,
        shares__withdrawn_at__isnull=True).distinct().count()
    if consented != bundle.assessments.count():
        raise Http404("A firm in this bundle no longer shares its assessment with your "
                      "organisation: request a new bundle.")
    return FileResponse(bundle.file.open("rb"), as_attachment=True,
                        filename=f"readiness-reports-{bundle.created_at:%Y-%m-%d}.zip",
                        content_type="application/zip")
