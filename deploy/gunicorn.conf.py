"""Gunicorn's settings for the app (``gunicorn config.wsgi -c deploy/gunicorn.conf.py``; deploy/smartcity-web.service).

Each value may be overridden on the command line or through GUNICORN_CMD_ARGS.
"""

import os

# nginx on the same server forwards to this address; with several app servers, the load balancer reaches each one on
# its own address (bind 0.0.0.0:8000 and let the firewall admit the balancer and Prometheus only).
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two sync workers per core, plus one: a worker answers one request at a time, and waits on the database meanwhile.
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * (os.cpu_count() or 1) + 1))
# Long work runs as a background job: a request that takes longer than this is a bug, and the worker is replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
# A worker is replaced after this many requests (plus a random few, so they do not all restart at once): whatever
# a library keeps growing in memory is given back.
max_requests = 2000
max_requests_jitter = 200
# The app writes one line per request itself (common.request_log, with the request id and the user): no second
# access log.
accesslog = None
errorlog = "-"
# nginx in front (same server) names the client in X-Forwarded-For and the scheme in X-Forwarded-Proto.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")


def child_exit(server, worker):
    """Prometheus' multiprocess mode (PROMETHEUS_MULTIPROC_DIR set, as in the service unit): /metrics adds up the
    files every worker writes there; a worker that has ended must stop counting as a live one."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
