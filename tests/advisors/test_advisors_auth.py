"""Advisor accounts: sign-in, lockout after repeated failures, password reset by email."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def ann(db):
    return get_user_model().objects.create_user("ann", email="ann@hub.example",
                                                password="correct horse battery")


def test_repeated_failed_logins_lock_the_account_even_for_the_right_password(ann, settings):
    client = Client()
    url = reverse("advisors:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(url, {"username": "ann", "password": "wrong"})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    response = client.post(url, {"username": "ann", "password": "correct horse battery"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_few_failures_do_not_lock_and_success_signs_in(ann, settings):
    client = Client()
    url = reverse("advisors:login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 2):
        client.post(url, {"username": "ann", "password": "wrong"})
    response = client.post(url, {"username": "ann", "password": "correct horse battery"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(ann.pk)


def test_password_reset_by_email(ann):
    client = Client()
    response = client.post(reverse("advisors:password_reset"), {"email": "ann@hub.example"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/advisor/password-reset/\S+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    form = client.get(link.group(1), follow=True)
    assert "Choose a new password" in form.content.decode()
    response = client.post(form.redirect_chain[-1][0] if form.redirect_chain else link.group(1),
                           {"new_password1": "a much better passphrase",
                            "new_password2": "a much better passphrase"})
    assert response.status_code == 302
    ann.refresh_from_db()
    assert ann.check_password("a much better passphrase")


def test_unknown_email_gets_the_same_answer_and_no_mail(ann):
    response = Client().post(reverse("advisors:password_reset"), {"email": "nobody@x.example"})
    assert response.status_code == 302
    assert mail.outbox == []
