"""Submit and erase are atomic and idempotent (security review F7, F14): a submit scores the
answers it locked, and a second submit or erase answers calmly instead of with a 500."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from readiness import privacy, services
from readiness.models import Answer, Assessment
from tests.factories import DIMENSION_KEYS, answer, make_assessment, make_submitted, open_link, url


def _first(queries: list[dict], predicate) -> int:
    return next(i for i, q in enumerate(queries) if predicate(q["sql"].upper()))


@pytest.mark.django_db
def test_f7_submit_locks_the_draft_before_it_reads_the_answers(framework):
    assessment, _ = make_assessment()
    answer(assessment, dict.fromkeys(DIMENSION_KEYS, 1))
    with CaptureQueriesContext(connection) as captured:
        services.assessment_submit(assessment=assessment)
    queries = captured.captured_queries
    locks = _first(queries, lambda sql: sql.startswith('UPDATE "READINESS_ASSESSMENT"')
                   or ("READINESS_ASSESSMENT" in sql and "FOR UPDATE" in sql))
    reads = _first(queries, lambda sql: sql.startswith("SELECT") and '"READINESS_ANSWER"' in sql)
    assert locks < reads, [q["sql"] for q in queries]


def _wait_for_lock_wait(timeout_checks: int = 2000) -> bool:
    """True once some PostgreSQL backend waits for a lock (the submit behind the autosave)."""
    with connections["default"].cursor() as cursor:
        for _ in range(timeout_checks):
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                           " AND datname = current_database()")
            if cursor.fetchone()[0]:
                return True
            threading.Event().wait(0.01)
    return False


@pytest.mark.django_db(transaction=True)
def test_f7_autosave_racing_submit_scores_the_answers_it_locked(framework):
    """An autosave holds the draft's row when the submit arrives: the submit waits for it and
    scores its bands. On SQLite, where one writer at a time holds the whole database, the
    same interleaving cannot happen; the order check above covers the submit's part there."""
    assessment, _ = make_assessment()
    answer(assessment, dict.fromkeys(DIMENSION_KEYS, 1))
    if connection.vendor != "postgresql":
        services.assessment_submit(assessment=assessment)
        answer_bands = dict(Answer.objects.filter(assessment=assessment)
                            .values_list("dimension_key", "band"))
        stored = Assessment.objects.get(pk=assessment.pk).scores["dimensions"]
        assert stored == answer_bands
        return
    saved, release, errors = threading.Event(), threading.Event(), []

    def autosave() -> None:
        try:
            with transaction.atomic():
                services.answers_save(assessment=Assessment.objects.get(pk=assessment.pk),
                                      answers={"shop_floor_automation": (5, "")})
                saved.set()
                release.wait(30)
        except Exception as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            saved.set()
            connections.close_all()

    def submit() -> None:
        try:
            services.assessment_submit(assessment=Assessment.objects.get(pk=assessment.pk))
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    saving = threading.Thread(target=autosave)
    saving.start()
    saved.wait(30)
    submitting = threading.Thread(target=submit)
    submitting.start()
    waited = _wait_for_lock_wait()
    release.set()
    saving.join(30)
    submitting.join(30)
    assert waited and not errors, errors
    stored = Assessment.objects.get(pk=assessment.pk)
    band = Answer.objects.get(assessment=assessment, dimension_key="shop_floor_automation").band
    assert stored.status == Assessment.Status.SUBMITTED
    assert band == 5 and stored.scores["dimensions"]["shop_floor_automation"] == 5


@pytest.mark.django_db
def test_f7_a_second_submit_goes_to_the_results_calmly(framework):
    assessment, token = make_assessment()
    answer(assessment, dict.fromkeys(DIMENSION_KEYS, 2))
    client = Client()
    open_link(client, token)
    stale = Assessment.objects.get(pk=assessment.pk)  # loaded before the first submit commits
    services.assessment_submit(assessment=assessment)
    with pytest.raises(ValidationError) as refused:
        services.assessment_submit(assessment=stale)
    assert refused.value.code == "submitted"
    second = client.post(url("review", assessment))
    assert second.status_code == 302 and second["Location"] == url("results", assessment)


@pytest.mark.django_db
def test_f14_a_second_erase_finds_nothing_left_and_says_so(framework):
    assessment, token = make_submitted()
    stale = Assessment.objects.get(pk=assessment.pk)
    first = privacy.assessment_erase(assessment=assessment)
    second = privacy.assessment_erase(assessment=stale)
    assert first is not None and first.answers == len(DIMENSION_KEYS)
    assert second is None
    assert not Assessment.objects.filter(pk=assessment.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_f14_concurrent_erase_posts_never_give_a_500(framework):
    assessment, token = make_submitted()
    clients = []
    for _ in range(3):
        client = Client(raise_request_exception=False)
        open_link(client, token)
        clients.append(client)
    statuses: list[int] = []

    def erase(client: Client) -> None:
        try:
            statuses.append(client.post(url("erase", assessment), {"confirm": "yes"}).status_code)
        finally:
            connections.close_all()

    if connection.vendor == "postgresql":
        threads = [threading.Thread(target=erase, args=(c,)) for c in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    else:  # SQLite runs one writer at a time: the clicks arrive one after the other
        for client in clients:
            erase(client)
    assert 500 not in statuses and len(statuses) == 3, statuses
    assert not Assessment.objects.filter(pk=assessment.pk).exists()
