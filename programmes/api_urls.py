from django.urls import path

from programmes import api

app_name = "api"

urlpatterns = [
    path("evaluate", api.evaluate_view, name="evaluate"),
    path("programmes", api.programmes_view, name="programmes"),
    path("programmes/<str:slug>", api.programme_view, name="programme"),
    path("openapi.json", api.openapi_view, name="openapi"),
]
