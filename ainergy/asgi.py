"""ASGI entry point of the web process (gunicorn with uvicorn workers, see ainergy/gunicorn_conf.py).

``application`` dispatches on the ASGI scope type. Today only ``http`` is served (Django);
WebSocket routes (GraphQL subscriptions through Django Channels and strawberry's channels
integration) are added by replacing ``application`` with a ``channels.routing.ProtocolTypeRouter``
whose ``"http"`` entry is ``django_asgi_app`` below. Django must be set up (the
``get_asgi_application()`` call) before anything that imports models, so routes are imported
after it.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ainergy.settings.production")
django_asgi_app = get_asgi_application()

application = django_asgi_app
