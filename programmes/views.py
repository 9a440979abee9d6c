from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def directory(request: HttpRequest) -> HttpResponse:
    # Placeholder until the programme database lands (issue 3).
    return render(request, "programmes/directory.html", {})
