"""Public pages: the programme directory and one programme's page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from programmes.forms import DirectoryFilterForm
from programmes.matching import delivery_for
from programmes.selectors import (
    programme_countries,
    programme_get,
    programme_list,
    programme_record,
)
from readiness.framework import CURRENT_VERSION, load_framework
from readiness.languages import language_active
from readiness.reference import country_name, normalise_region, region_label

PAGE_SIZE = 25


def directory(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None, countries=programme_countries())
    filters = form.cleaned_data if form.is_valid() else {}
    programmes = programme_list(
        country=filters.get("country", ""),
        kind=filters.get("kind", ""),
        open_on=timezone.localdate() if filters.get("open_now") else None,
        q=filters.get("q", ""),
    )
    page = Paginator(programmes, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "programmes/directory.html",
        {"form": form, "page": page, "query": query.urlencode(), "today": timezone.localdate(),
         "country_pages": [(c, country_name(c)) for c in programme_countries()]},
    )


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    programme = programme_get(slug=slug)
    if programme is None:
        raise Http404("No such programme.")
    spec = load_framework(CURRENT_VERSION, language_active())
    names = [spec.dimensions[key].name for key in programme.dimensions if key in spec.dimensions]
    today = timezone.localdate()
    record = programme_record(programme)
    # A firm's results link here with its region, so the page names that region's partner only.
    region = normalise_region(programme.country, request.GET.get("region", "")[:64]) or ""
    delivery = delivery_for(record, region) if region else list(record.delivery)
    institutions = list(programme.institutions.all())
    if region:
        # Partners that deliver only in other regions are not this firm's (a Bolton firm is not
        # shown London's partner).
        here = {d.institution for d in delivery}
        elsewhere_only = {d.institution for d in record.delivery if d.regions} - here
        institutions = [i for i in institutions if i.slug not in elsewhere_only]
    return render(
        request,
        "programmes/detail.html",
        {"programme": programme, "dimension_names": names, "today": today,
         "region": region, "region_name": region_label(programme.country, region) or region,
         "delivery": delivery, "institutions": institutions},
    )


@require_GET
def international(request: HttpRequest, public_id) -> HttpResponse:
    """The international section alone, for the switch between today and the policy note's
    date (htmx swaps it in place; without JavaScript the results page carries the same
    switch as a link)."""
    from programmes.templatetags.international_tags import NOTE_PARAM, as_of_from, panel_context
    from readiness.access import LinkExpired, assessment_for_holder

    try:
        assessment = assessment_for_holder(request, public_id)
    except LinkExpired:
        return render(request, "readiness/link_expired.html", status=410)
    if assessment.is_draft:
        raise Http404("Submit the assessment to see its results.")
    as_of = as_of_from(request.GET.get(NOTE_PARAM))
    return render(request, "programmes/_international.html",
                  panel_context(assessment, as_of, request))


@require_GET
def country(request: HttpRequest, code: str) -> HttpResponse:
    """A country's support as the database records it (issue 15 item 2)."""
    from programmes.international_selectors import country_profile_get

    profile = country_profile_get(country=code[:2], today=timezone.localdate())
    if profile is None or len(code) != 2:
        raise Http404("The database holds no programme for this country.")
    return render(request, "programmes/country.html",
                  {"profile": profile, "today": timezone.localdate()})
