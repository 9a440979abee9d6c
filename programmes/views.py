"""Public pages: the programme directory and one programme's page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

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
from readiness.reference import normalise_region, region_label

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
        {"form": form, "page": page, "query": query.urlencode(), "today": timezone.localdate()},
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
