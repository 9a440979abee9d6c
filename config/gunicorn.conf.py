"""gunicorn settings for every deployment; each can be overridden from the environment.

Run: gunicorn -c config/gunicorn.conf.py config.wsgi (scripts/serve does). Sync workers: the
views are short, synchronous Django (DB-bound), and sync workers measured best per core here
(docs/performance.md). Several app machines each run this behind one load balancer.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# (2 x cores) + 1 is gunicorn's rule of thumb for DB-bound sync workers.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# A request longer than this is stuck (the PDF and ZIP work runs in task workers, not here).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then so that a slow leak never grows; jitter avoids all at once. Not
# too often: at peak a worker serves 100+ requests a second, and each new worker opens its own
# database connection and compiles its templates again (2,000 meant one recycle every few
# seconds under bench/load.py; docs/performance.md).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "2000"))
# Load the app once in the master: faster worker boots and shared memory pages. Each worker
# still opens its own database connections (Django opens them lazily, per request).
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"

# Only trust X-Forwarded-* from these proxy addresses (the load balancer).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

# Logs to stderr/stdout for the process manager; "-" means the stream. The logger class
# redacts private resume tokens from both logs.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
logger_class = "config.gunicorn_logging.RedactingLogger"
# The client address as the proxy saw it ({x-forwarded-for}i) and the request time (%(M)s ms).
access_log_format = os.environ.get(
    "GUNICORN_ACCESS_LOG_FORMAT",
    '%(h)s %({x-forwarded-for}i)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"',
)
# Headers can be large (cookies); everything else stays at gunicorn's safe defaults.
limit_request_field_size = 8190
# gunicorn's control socket lives at one fixed path per user; two app servers on one machine
# (the statelessness test, a blue/green switch) would fight over it, and nothing here uses it.
control_socket_disable = os.environ.get("GUNICORN_CONTROL_SOCKET", "0") != "1"


# A request that outlives DJANGO_REQUEST_DEADLINE (10 s) is ended with a 503 instead of being
# killed with its worker at `timeout` (config/request_deadline.py, F9). Only for the sync
# worker: the deadline is a process signal, and gthread workers share one process.
def post_worker_init(worker):
    if worker_class == "sync":
        from config import request_deadline

        request_deadline.install()


def pre_request(worker, req):
    if worker_class == "sync":
        from config import request_deadline

        request_deadline.arm()


def post_request(worker, req, environ, resp):
    if worker_class == "sync":
        from config import request_deadline

        request_deadline.disarm()
