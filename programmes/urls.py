from django.urls import path

from programmes import views

app_name = "programmes"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("<slug:slug>/", views.detail, name="detail"),
]
