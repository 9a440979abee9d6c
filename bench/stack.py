"""Start the production-like stack on loopback for the load and fault scripts and the
statelessness test: a database of its own, static files, gunicorn app servers, task workers.

Everything binds to 127.0.0.1 and every process is stopped by its own pid.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"


def reachable(url: str, default_port: int) -> bool:
    """Whether a TCP connection to the URL's host and port opens within a second."""
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default_port),
                                      timeout=1):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def with_database(url: str, name: str) -> str:
    """``url`` pointing at database ``name`` on the same server."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def with_redis_db(url: str, index: int) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{index}", parts.query, ""))


def postgres_recreate(server_url: str, name: str) -> str:
    """Drop and create database ``name`` (ours alone) on the server; returns its URL."""
    import psycopg
    from psycopg import sql

    if not name.replace("_", "").isalnum():
        raise ValueError(f"unsafe database name {name!r}")
    with psycopg.connect(with_database(server_url, "postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return with_database(server_url, name)


def postgres_drop(server_url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(with_database(server_url, "postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))


def stack_env(database_url: str, redis_url: str | None, static_root: Path,
              **extra: str) -> dict[str, str]:
    """The environment of a production deployment, on plain-HTTP loopback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_"))}
    env.pop("REDIS_URL", None)
    env.update({
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Loopback is plain HTTP: a real deployment keeps both on behind its TLS proxy.
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_STATIC_ROOT": str(static_root),
        "DJANGO_STATIC_COMPRESS": "0",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "DATABASE_URL": database_url,
        "PYTHONUNBUFFERED": "1",
    })
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    command = [PYTHON, "manage.py", *args]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True,  # noqa: S603
                          text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def prepare(env: dict[str, str], *, static: bool = True) -> None:
    """What a deploy does before starting app servers: migrate, reference data, static."""
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_framework", "-v0")
    if static:
        manage(env, "collectstatic", "--noinput", "-v0")


@dataclass
class Process:
    """A child process with its own log file, stopped by pid (never by name)."""

    args: list[str]
    env: dict[str, str]
    log_path: Path
    popen: subprocess.Popen | None = field(default=None, repr=False)

    def start(self) -> Process:
        log = self.log_path.open("ab")
        self.popen = subprocess.Popen(self.args, cwd=ROOT, env=self.env, stdout=log,  # noqa: S603
                                      stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        return self

    @property
    def pid(self) -> int:
        assert self.popen is not None
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def kill(self) -> None:
        """SIGKILL, the way the OOM killer or a lost machine ends a process."""
        if self.alive():
            os.killpg(self.pid, signal.SIGKILL)
            self.popen.wait(10)

    def stop(self, timeout: float = 20) -> None:
        if not self.alive():
            return
        os.killpg(self.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def app_server(env: dict[str, str], port: int, workers: int, log_dir: Path,
               access_log: Path | None = None, threads: int | None = None) -> Process:
    """gunicorn with the checked-in config, on 127.0.0.1:port."""
    server_env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": str(workers)}
    if threads is not None:
        server_env["GUNICORN_THREADS"] = str(threads)
    if access_log is not None:
        server_env["GUNICORN_ACCESS_LOG"] = str(access_log)
    return Process([PYTHON, "-m", "gunicorn", "-c", "config/gunicorn.conf.py",
                    "config.wsgi:application"], server_env, log_dir / f"gunicorn-{port}.log")


def task_worker(env: dict[str, str], log_dir: Path, worker_id: str,
                backend: str = "default", nice: int = 0) -> Process:
    """A task worker as scripts/serve runs it: ``--backend reports`` for PDF reports (which
    scripts/serve runs at ``nice`` 10)."""
    prefix = ["nice", "-n", str(nice)] if nice else []
    return Process([*prefix, PYTHON, "manage.py", "task_worker", "--queue-name", "default",
                    "--no-reload", "--no-startup-delay", "--interval", "0.2",
                    "--worker-id", worker_id, "--backend", backend],
                   env, log_dir / f"worker-{worker_id}.log")


def wait_until_up(base_url: str, process: Process, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not process.alive():
            raise RuntimeError(f"{process.args[:4]} exited:\n{process.log()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{base_url} did not come up in {timeout} s:\n{process.log()[-3000:]}")


def scratch_dir(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))
