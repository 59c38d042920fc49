"""Local development and the demo: DEBUG on, SQLite and eager Celery unless env says otherwise."""

import os

os.environ.setdefault("DEBUG", "1")

from ainergy.settings.base import *  # noqa: E402,F403
