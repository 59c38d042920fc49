"""Static files storage for production: WhiteNoise's compressed manifest storage, except that the
portal's Vite build keeps its own names. Vite already hashes every chunk and its chunks import
each other by those names; a second hash from Django would make the browser fetch every shared
chunk twice (once preloaded under Django's name, once imported under Vite's)."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage

VITE_BUILD_PREFIX = "portal/"


class PortalStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def hashed_name(self, name, content=None, filename=None):
        if name.startswith(VITE_BUILD_PREFIX):
            return name
        return super().hashed_name(name, content, filename)


# WhiteNoise's far-future cache test (a regex over the URL): Django's hashed names
# (``name.0123456789ab.css``) and Vite's (``name-Hash8AbC.js``).
IMMUTABLE_FILE_PATTERN = r"^.+[.-][0-9a-zA-Z_-]{8,12}\.\w+$"
