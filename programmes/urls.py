from django.urls import path

from programmes import views

app_name = "programmes"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("countries/<str:code>/", views.country, name="country"),
    path("international/<uuid:public_id>/", views.international, name="international"),
    path("<slug:slug>/", views.detail, name="detail"),
]
