"""The app is stateless: two gunicorn servers (different ports) on one PostgreSQL and one
Redis; a firm starts on one and finishes on the other, and nothing is lost. Also two tabs
saving the same page at once through both servers: one row per dimension, one whole write wins.

Runs in every pass (it creates its own PostgreSQL database); in CI PostgreSQL and Redis must be
up, elsewhere the test is skipped with the named precondition when they are not.
"""

from __future__ import annotations

import os
import re
import threading

import pytest
import requests

from bench import stack
from bench.journey import PILLARS, pillar_form, random_answers
from tests.stackutil import postgres_server_url, query, redis_server_url, require

REDIS_DB = 12
UUID = re.compile(r"/assessment/([0-9a-f-]{36})/")


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory):
    require("PostgreSQL", postgres_server_url(), 5432)
    require("Redis", redis_server_url(), 6379)
    import redis

    work = tmp_path_factory.mktemp("stateless")
    name = f"readiness_stateless_{os.getpid()}"
    database_url = stack.postgres_recreate(postgres_server_url(), name)
    redis_url = stack.with_redis_db(redis_server_url(), REDIS_DB)
    redis.Redis.from_url(redis_url).flushdb()
    env = stack.stack_env(database_url, redis_url, work / "static")
    stack.prepare(env)
    servers = []
    try:
        for _ in range(2):
            port = stack.free_port()
            process = stack.app_server(env, port, 2, work).start()
            servers.append((f"http://127.0.0.1:{port}", process))
        for base, process in servers:
            stack.wait_until_up(base, process)
        yield [base for base, _ in servers], database_url
    finally:
        for _, process in servers:
            process.stop()
        stack.postgres_drop(postgres_server_url(), name)


def post(session: requests.Session, url: str, data: dict) -> requests.Response:
    return session.post(url, data={**data, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
                        allow_redirects=False, timeout=30)


def start_draft(session: requests.Session, base: str, name: str) -> str:
    assert session.get(f"{base}/start/", timeout=30).status_code == 200
    response = post(session, f"{base}/start/", {
        "company_name": name, "country": "GB", "region": "North West", "employees": "30",
        "sector": "25"})
    assert response.status_code == 302, response.text[:500]
    return UUID.search(response.headers["Location"]).group(1)


def stored_answers(database_url: str, public_id: str) -> dict[str, list]:
    rows = query(database_url, "SELECT a.dimension_key, a.band, a.evidence FROM readiness_answer a "
                 "JOIN readiness_assessment s ON s.id = a.assessment_id WHERE s.public_id = %s",
                 (public_id,))
    return {key: [band, evidence] for key, band, evidence in rows}


def test_a_firm_starts_on_one_server_and_finishes_on_the_other(two_servers):
    (a, b), database_url = two_servers
    session = requests.Session()
    firm = start_draft(session, a, "Stateless Gears Ltd")
    pillars = list(PILLARS)
    given: dict[str, list] = {}
    for index, pillar in enumerate(pillars):
        base = a if index < len(pillars) // 2 else b  # the second half on the other server
        answers = random_answers(pillar)
        response = post(session, f"{base}/assessment/{firm}/pillar/{pillar}/",
                        {**pillar_form(answers), "go": "next"})
        assert response.status_code == 302, (base, pillar, response.status_code)
        given.update({k: list(v) for k, v in answers.items()})
    assert post(session, f"{b}/assessment/{firm}/objectives/",
                {"objectives": ["quality"], "cost_labour": "100"}).status_code == 302
    review = session.get(f"{b}/assessment/{firm}/review/", timeout=30)
    assert review.status_code == 200
    assert post(session, f"{b}/assessment/{firm}/review/", {}).status_code == 302
    results = session.get(f"{a}/assessment/{firm}/results/", timeout=30)
    assert results.status_code == 200
    assert "Stateless Gears Ltd" in results.text

    assert stored_answers(database_url, firm) == given
    assert query(database_url, "SELECT status FROM readiness_assessment WHERE public_id = %s",
                 (firm,)) == [("submitted",)]
    # The private link (shown on every page) opens the results on the other server, in a
    # browser that never saw either server.
    link = re.search(r"/resume/([A-Za-z0-9_-]{40,})/", review.text).group(0)
    newcomer = requests.Session()
    opened = newcomer.get(f"{b}{link}", allow_redirects=False, timeout=30)
    assert opened.status_code == 302
    assert opened.headers["Location"].endswith(f"/assessment/{firm}/results/")


def test_two_tabs_saving_at_once_leave_one_whole_answer_set(two_servers):
    (a, b), database_url = two_servers
    session = requests.Session()
    firm = start_draft(session, a, "Two Tabs Ltd")
    pillar = "automation"
    attempts = [random_answers(pillar) for _ in range(8)]
    cookies = session.cookies.get_dict()
    codes: list[int] = []
    barrier = threading.Barrier(len(attempts))

    def save(index: int) -> None:
        tab = requests.Session()
        tab.cookies.update(cookies)
        barrier.wait()
        response = post(tab, f"{(a, b)[index % 2]}/assessment/{firm}/pillar/{pillar}/",
                        pillar_form(attempts[index]))
        codes.append(response.status_code)

    threads = [threading.Thread(target=save, args=(i,)) for i in range(len(attempts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert codes == [302] * len(attempts)
    stored = stored_answers(database_url, firm)
    assert len(stored) == len(PILLARS[pillar])  # one row per dimension, no duplicates
    # Each save is one transaction on the locked draft: the result is one tab's whole page,
    # never a mix of two.
    assert stored in [{k: list(v) for k, v in answers.items()} for answers in attempts]
