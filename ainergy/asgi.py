"""ASGI entry point of the web process (gunicorn with uvicorn workers, see ainergy/gunicorn_conf.py).

``application`` dispatches on the ASGI scope type: ``http`` goes to Django behind
``EdgeGuard`` (refusals known in advance are answered in the event loop, ``ainergy.common.edge``); ``websocket`` on
``/graphql`` goes to the GraphQL subscriptions consumer (Django Channels, Redis channel layer;
``ainergy.pipeline.consumers``). Django must be set up (the ``get_asgi_application()`` call)
before anything that imports models, so routes are imported after it.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ainergy.settings.production")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import re_path  # noqa: E402

from ainergy.common.edge import EdgeGuard  # noqa: E402
from ainergy.pipeline.consumers import GraphQLSubscriptionConsumer  # noqa: E402
from ainergy.schema import schema  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": EdgeGuard(django_asgi_app),
        "websocket": URLRouter(
            [re_path(r"^graphql/?$", GraphQLSubscriptionConsumer.as_asgi(schema=schema))]
        ),
    }
)
