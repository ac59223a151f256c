"""Password hashes, API tokens and the signed console session cookie."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

SESSION_COOKIE = "kefu_session"
LANGUAGE_COOKIE = "kefu_lang"
CSRF_HEADER = "X-CSRF-Token"
TOKEN_PREFIX = "kefu_"
MIN_PASSWORD_LENGTH = 8

_hasher = PasswordHasher()
# Verifying against this keeps unknown user names as slow as wrong passwords.
_DUMMY_HASH = _hasher.hash("kefu-timing-equalizer")


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; constant work when there is no hash."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_api_token() -> tuple[str, str]:
    """A fresh bearer token and the SHA-256 digest stored in its place."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return token, token_digest(token)


def token_digest(token: str) -> str:
    """The stored form of a bearer token (tokens are random, so no salt is needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class SessionData:
    """What the console cookie carries: the staff member, their session epoch and CSRF secret."""

    staff_id: int
    epoch: int
    csrf: str


class SessionSigner:
    """Signs and reads the console session cookie."""

    def __init__(self, secret: str, max_age_seconds: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="kefu-session")
        self._max_age = max_age_seconds

    def issue(self, staff_id: int, epoch: int) -> tuple[str, SessionData]:
        """A new cookie value with a fresh CSRF secret."""
        data = SessionData(staff_id=staff_id, epoch=epoch, csrf=secrets.token_urlsafe(24))
        payload: dict[str, Any] = {"s": data.staff_id, "e": data.epoch, "c": data.csrf}
        return self._serializer.dumps(payload), data

    def read(self, cookie: str) -> SessionData | None:
        """The session in a cookie, or None when it is forged, malformed or expired."""
        try:
            payload = self._serializer.loads(cookie, max_age=self._max_age)
            return SessionData(
                staff_id=int(payload["s"]), epoch=int(payload["e"]), csrf=str(payload["c"])
            )
        except (BadSignature, SignatureExpired, KeyError, TypeError, ValueError):
            return None


def csrf_matches(expected: str, given: str | None) -> bool:
    """Constant-time comparison of the CSRF secret."""
    return given is not None and hmac.compare_digest(expected.encode(), given.encode())
