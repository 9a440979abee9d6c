"""Redis goes down and comes back while firms are mid-assessment (a restart, a failover).

Redis holds the cache, the sessions' cached copies and the rate-limit counters; none of them is
the only copy of anything (sessions are written through to the database). So while it is down
the app keeps serving from the database, slower but whole: answers are saved, the private link
opens the assessment, the PDF downloads, and no one is signed out. Rate limits are not counted
while it is down (axes' login lockout lives in the database and keeps working).

Runs the real stack: gunicorn with production settings over SQLite, against a redis-server of
its own (started and killed here), so the machine's Redis is never touched.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
import uuid

import pytest
import requests

from bench import stack
from bench.journey import PILLARS, pillar_form, random_answers
from tests.stackutil import query, unmet
from tests.system.test_stateless import post, start_draft


def stored_answers(database_url: str, public_id: str) -> dict[str, list]:
    # SQLite keeps a UUID as 32 hex digits, without dashes.
    rows = query(database_url, "SELECT a.dimension_key, a.band, a.evidence FROM readiness_answer a "
                 "JOIN readiness_assessment s ON s.id = a.assessment_id WHERE s.public_id = %s",
                 (uuid.UUID(public_id).hex,))
    return {key: [band, evidence] for key, band, evidence in rows}


class RedisServer:
    def __init__(self, port: int):
        self.port = port
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not stack.reachable(f"redis://127.0.0.1:{self.port}", self.port):
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)


@pytest.fixture(scope="module")
def stack_with_own_redis(tmp_path_factory):
    if shutil.which("redis-server") is None:
        unmet("redis-server installed (this test starts one of its own)")
    work = tmp_path_factory.mktemp("redis-outage")
    redis_server = RedisServer(stack.free_port())
    redis_server.start()
    database_url = f"sqlite:///{work / 'db.sqlite3'}"
    env = stack.stack_env(database_url, f"redis://127.0.0.1:{redis_server.port}/0",
                          work / "static")
    stack.prepare(env)
    port = stack.free_port()
    server = stack.app_server(env, port, 2, work).start()
    # PDFs are rendered by the reports worker (F8), as in production.
    renderer = stack.task_worker(env, work, "outage-reports", backend="reports").start()
    try:
        stack.wait_until_up(f"http://127.0.0.1:{port}", server)
        yield f"http://127.0.0.1:{port}", redis_server, database_url, server
    finally:
        renderer.stop()
        server.stop()
        redis_server.kill()


def test_firms_carry_on_while_redis_is_down_and_after_it_returns(stack_with_own_redis):
    base, redis_server, database_url, server = stack_with_own_redis
    session = requests.Session()
    firm = start_draft(session, base, "Outage Tolerant Ltd")
    pillars = list(PILLARS)
    given: dict[str, list] = {}

    def save(pillar: str) -> None:
        answers = random_answers(pillar)
        response = post(session, f"{base}/assessment/{firm}/pillar/{pillar}/",
                        {**pillar_form(answers), "go": "next"})
        assert response.status_code == 302, (pillar, response.status_code, response.text[:300])
        given.update({k: list(v) for k, v in answers.items()})

    save(pillars[0])
    page = session.get(f"{base}/assessment/{firm}/pillar/{pillars[1]}/", timeout=30)
    link = re.search(r"/resume/([A-Za-z0-9_-]{40,})/", page.text).group(0)

    redis_server.kill()
    for pillar in pillars[1:5]:
        save(pillar)
    # A new browser opens the private link (a rate-limited lookup) while Redis is down.
    newcomer = requests.Session()
    opened = newcomer.get(f"{base}{link}", allow_redirects=False, timeout=30)
    assert opened.status_code == 302, opened.status_code
    assert newcomer.get(f"{base}{opened.headers['Location']}", timeout=30).status_code == 200

    redis_server.start()  # empty: Redis here keeps nothing on disk
    for pillar in pillars[5:]:
        save(pillar)
    assert post(session, f"{base}/assessment/{firm}/objectives/",
                {"objectives": ["quality"], "cost_labour": "100"}).status_code == 302
    assert post(session, f"{base}/assessment/{firm}/review/", {}).status_code == 302
    results = session.get(f"{base}/assessment/{firm}/results/", timeout=30)
    assert results.status_code == 200 and "Outage Tolerant Ltd" in results.text

    assert stored_answers(database_url, firm) == given
    assert query(database_url, "SELECT status FROM readiness_assessment WHERE public_id = %s",
                 (uuid.UUID(firm).hex,)) == [("submitted",)]
    assert server.alive()
    assert "Internal Server Error" not in server.log()


def test_pdf_and_advisor_pages_work_while_redis_is_down(stack_with_own_redis):
    base, redis_server, _, _ = stack_with_own_redis
    session = requests.Session()
    firm = start_draft(session, base, "Outage Reports Ltd")
    for pillar in PILLARS:
        response = post(session, f"{base}/assessment/{firm}/pillar/{pillar}/",
                        {**pillar_form(random_answers(pillar)), "go": "next"})
        assert response.status_code == 302
    assert post(session, f"{base}/assessment/{firm}/objectives/",
                {"objectives": ["quality"], "cost_labour": "100"}).status_code == 302
    assert post(session, f"{base}/assessment/{firm}/review/", {}).status_code == 302
    redis_server.kill()
    try:
        # The first request queues the render and sends the firm to its progress page; once
        # the worker has stored the PDF the same link serves it.
        pdf_url = f"{base}/assessment/{firm}/report.pdf"
        pdf = session.get(pdf_url, allow_redirects=False, timeout=60)
        deadline = time.monotonic() + 120
        while pdf.status_code == 302 and time.monotonic() < deadline:
            assert session.get(f"{base}{pdf.headers['Location']}", timeout=30).status_code == 200
            time.sleep(0.5)
            pdf = session.get(pdf_url, allow_redirects=False, timeout=60)
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        login = requests.Session()
        page = login.get(f"{base}/advisor/login/", timeout=30)
        assert page.status_code == 200
        refused = post(login, f"{base}/advisor/login/", {"username": "nobody", "password": "x"})
        assert refused.status_code == 200 and "correct" in refused.text.lower()
    finally:
        redis_server.start()
