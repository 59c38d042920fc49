"""API token format: ``ain_`` + 32 base62 characters + 6 base62 characters of CRC32.

Like GitHub's tokens: a recognisable prefix for secret scanners, ~190 bits of entropy, and a
checksum so malformed tokens are rejected offline without a database lookup. Only the SHA-256 of
the whole token is stored (a slow hash adds nothing at this entropy).
"""

from __future__ import annotations

import hashlib
import secrets
import string
import zlib
from dataclasses import dataclass

PREFIX = "ain_"
ALPHABET = string.digits + string.ascii_letters  # base62
RANDOM_LENGTH = 32
CHECKSUM_LENGTH = 6
TOKEN_LENGTH = len(PREFIX) + RANDOM_LENGTH + CHECKSUM_LENGTH


def _base62(number: int, width: int) -> str:
    chars = []
    for _ in range(width):
        number, remainder = divmod(number, 62)
        chars.append(ALPHABET[remainder])
    return "".join(reversed(chars))


def _checksum(body: str) -> str:
    return _base62(zlib.crc32(body.encode()), CHECKSUM_LENGTH)


@dataclass(frozen=True)
class NewToken:
    secret: str
    token_hash: str
    display_prefix: str
    last_four: str


def generate_token() -> NewToken:
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    secret = f"{PREFIX}{body}{_checksum(body)}"
    return NewToken(
        secret=secret,
        token_hash=hash_token(secret),
        display_prefix=secret[: len(PREFIX) + 4],
        last_four=secret[-4:],
    )


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def is_well_formed(secret: str) -> bool:
    """True when ``secret`` has the prefix, length, alphabet and a matching checksum."""
    if len(secret) != TOKEN_LENGTH or not secret.startswith(PREFIX):
        return False
    rest = secret[len(PREFIX) :]
    if any(char not in ALPHABET for char in rest):
        return False
    body, checksum = rest[:RANDOM_LENGTH], rest[RANDOM_LENGTH:]
    return secrets.compare_digest(_checksum(body), checksum)
