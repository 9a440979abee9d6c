import datetime

from django.conf import settings
from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.http import require_GET

from advisors.urls import firm_urlpatterns as firm_sharing_urls
from advisors.urls import urlpatterns as advisor_urls
from advisors.views import policy as advisor_policy
from config.ratelimit import login_throttle
from readiness.urls import urlpatterns as readiness_urls
from reports.urls import advisor_urlpatterns as advisor_report_urls
from reports.urls import firm_urlpatterns as firm_report_urls


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers, and the trivial baseline of bench/load.py: it touches no
    database, cache or template on purpose, so it stays up while PostgreSQL restarts."""
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def security_txt(request: HttpRequest) -> HttpResponse:
    """RFC 9116: where to report a vulnerability. The contact is the operator's (an address or
    URL in DJANGO_SECURITY_CONTACT); without one there is nothing true to publish: 404."""
    contacts = settings.SECURITY_CONTACTS
    if not contacts:
        raise Http404("No security contact configured.")
    # RFC 9116 asks for an expiry under a year ahead, so that a stale file is not trusted.
    expires = timezone.now().replace(microsecond=0) + datetime.timedelta(days=180)
    lines = [f"Contact: {contact}" for contact in contacts]
    lines += [
        f"Expires: {expires.strftime('%Y-%m-%dT%H:%M:%SZ')}",
        "Preferred-Languages: en",
        f"Canonical: {settings.SITE_URL.rstrip('/')}/.well-known/security.txt",
    ]
    if settings.SECURITY_POLICY_URL:
        lines.append(f"Policy: {settings.SECURITY_POLICY_URL}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path(".well-known/security.txt", security_txt, name="security_txt"),
    # The admin's sign-in is throttled like the others (F12); admin.site.urls has it unwrapped.
    path("admin/login/", login_throttle(admin.site.login)),
    path("admin/", admin.site.urls),
    path("i18n/", include("readiness.i18n_urls")),
    path("programmes/", include("programmes.urls")),
    path("api/v1/statistics", advisor_policy.statistics, name="statistics"),
    path("api/v1/", include("reports.api")),
    path("advisor/", include((advisor_urls + advisor_report_urls, "advisors"))),
    path("", include((firm_sharing_urls, "sharing"))),
    path("", include((readiness_urls + firm_report_urls, "readiness"))),
]

handler400 = "readiness.views.errors.bad_request"
handler403 = "readiness.views.errors.permission_denied"
handler404 = "readiness.views.errors.page_not_found"
handler500 = "readiness.views.errors.server_error"
