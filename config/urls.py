from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_GET

from advisors.urls import firm_urlpatterns as firm_sharing_urls
from config.ratelimit import login_throttle


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers, and the trivial baseline of bench/load.py: it touches no
    database, cache or template on purpose, so it stays up while PostgreSQL restarts."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # The admin's sign-in is throttled like the others (F12); admin.site.urls has it unwrapped.
    path("admin/login/", login_throttle(admin.site.login)),
    path("admin/", admin.site.urls),
    path("programmes/", include("programmes.urls")),
    path("api/v1/", include("programmes.api_urls")),
    path("advisor/", include("advisors.urls")),
    path("", include((firm_sharing_urls, "sharing"))),
    path("", include("readiness.urls")),
]

handler400 = "readiness.views.errors.bad_request"
handler403 = "readiness.views.errors.permission_denied"
handler404 = "readiness.views.errors.page_not_found"
handler500 = "readiness.views.errors.server_error"
