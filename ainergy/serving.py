"""The gunicorn worker class of the web process: uvicorn's ASGI worker (HTTP/1.1 and WebSockets).

Django does not implement the ASGI lifespan protocol, so it is switched off rather than probed on
every start; the ``Server`` header is not sent.
"""

from uvicorn_worker import UvicornWorker as _UvicornWorker


class UvicornWorker(_UvicornWorker):
    CONFIG_KWARGS = {**_UvicornWorker.CONFIG_KWARGS, "lifespan": "off", "server_header": False}
