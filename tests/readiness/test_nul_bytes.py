"""A NUL byte in a query string (PostgreSQL cannot store or compare one) is never a 500."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from advisors.models import Membership, Organisation
from tests.factories import sign_in

pytestmark = pytest.mark.django_db

NUL = "a\x00b"


@pytest.mark.parametrize("path", ["/programmes/", "/api/v1/programmes", "/region-options/"])
@pytest.mark.parametrize("name", ["q", "country", "kind", "open_on", "page"])
def test_public_pages_with_nul_in_the_query(framework, path, name):
    response = Client().get(path, {name: NUL})
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("path", ["/advisor/", "/advisor/analytics/",
                                  "/advisor/export/caseload.csv"])
@pytest.mark.parametrize("name", ["q", "country", "region", "sector", "status", "date_from"])
def test_advisor_pages_with_nul_in_the_query(framework, path, name):
    user = get_user_model().objects.create_user("ann")
    Membership.objects.create(user=user, organisation=Organisation.objects.create(
        name="Hub", slug="hub"))
    client = Client()
    sign_in(client, user)
    assert client.get(path, {name: NUL}).status_code == 200
