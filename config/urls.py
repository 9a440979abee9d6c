from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("programmes/", include("programmes.urls")),
    path("api/v1/", include("programmes.api_urls")),
    path("", include("readiness.urls")),
]

handler400 = "readiness.views.errors.bad_request"
handler403 = "readiness.views.errors.permission_denied"
handler404 = "readiness.views.errors.page_not_found"
handler500 = "readiness.views.errors.server_error"
