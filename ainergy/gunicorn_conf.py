"""Gunicorn settings of the web process: ``gunicorn -c ainergy/gunicorn_conf.py`` (``make serve``).

A master process supervises uvicorn workers serving ``ainergy.asgi:application``. Environment:

BIND                 address(es) to listen on, comma-separated (default 127.0.0.1:8000; a unix
                     socket as ``unix:/run/ainergy/web.sock``)
WEB_CONCURRENCY      worker processes (default: number of CPU cores, at least 2)
WEB_TIMEOUT          [s] a worker silent this long is restarted (default 60)
FORWARDED_ALLOW_IPS  proxies whose X-Forwarded-* headers are trusted (default 127.0.0.1)
LOG_LEVEL            gunicorn's log level as well as the application's (default INFO)
"""

import multiprocessing
import os

wsgi_app = "ainergy.asgi:application"
worker_class = "ainergy.serving.UvicornWorker"
bind = [address.strip() for address in os.environ.get("BIND", "127.0.0.1:8000").split(",")]
workers = int(os.environ.get("WEB_CONCURRENCY") or max(2, multiprocessing.cpu_count()))
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))  # [s]
graceful_timeout = 30  # [s] in-flight requests finish on reload or stop
keepalive = 5  # [s]
max_requests = 5000  # recycle workers now and then (fragmented memory from pandas / OR-Tools)
max_requests_jitter = 500
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "INFO").lower()
control_socket_disable = True  # systemd (or the Procfile runner) supervises the master
