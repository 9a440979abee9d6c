from django.urls import path

from readiness.views.language import language_set

# Not namespaced: the switcher posts to {% url 'set_language' %}, Django's usual name.
urlpatterns = [
    path("setlang/", language_set, name="set_language"),
]
