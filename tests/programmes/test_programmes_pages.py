"""The public directory and programme pages."""

from __future__ import annotations

from django.urls import reverse


def listed(response) -> list[str]:
    html = response.content.decode()
    return [part.split('"', 1)[0] for part in html.split('data-programme="')[1:]]


def test_directory_lists_programmes_and_filters(client, loaded):
    url = reverse("programmes:directory")
    everything = listed(client.get(url, {"page": 1}))
    assert len(everything) == 25  # one page
    germany = listed(client.get(url, {"country": "DE"}))
    assert {"plattform-industrie-40", "mittelstand-digital", "de-digital-jetzt"} <= set(germany)
    assert all(slug.startswith(("de-", "mittelstand", "plattform", "eu-")) for slug in germany)
    grants_open = listed(client.get(url, {"country": "DE", "kind": "grant", "open_now": "on"}))
    assert grants_open == []  # Digital Jetzt closed at the end of 2023, go-digital in 2024
    search = listed(client.get(url, {"q": "robotics"}))
    assert "manufacturing-usa-arm" in search and "sg-siri" not in search


def test_directory_ignores_a_bad_filter_and_says_so(client, loaded):
    response = client.get(reverse("programmes:directory"), {"country": "ZZ"})
    assert response.status_code == 200
    assert "Some filters were not valid" in response.content.decode()


def test_programme_page_shows_what_a_firm_needs(client, loaded):
    response = client.get(reverse("programmes:detail", args=["made-smarter-nw-adoption-pilot"]))
    html = response.content.decode()
    for text in ("What you get", "Who qualifies", "Who delivers it", "How to apply", "Source",
                 "The Growth Company", "North West", "at most 249 employees", "GBP 20,000",
                 "30 April 2021", "Assumptions we made"):
        assert text in html, text
    assert "style=" not in html


def test_unknown_programme_is_404(client, loaded):
    assert client.get(reverse("programmes:detail", args=["no-such"])).status_code == 404
