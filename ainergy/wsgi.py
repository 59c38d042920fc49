"""WSGI entry point, for tools that need one; production serves ``ainergy.asgi`` (WebSockets)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ainergy.settings.production")
application = get_wsgi_application()
