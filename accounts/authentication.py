"""simplejwt's JWT authentication, with a validated token remembered until it expires.

Every authenticated request, holds and payments included, reads its user
through simplejwt (one query) with simplejwt's checks: the user exists and
is active (a deactivated account is refused at once, not when its access
token lapses), and, if enabled, the password has not changed since the
token was issued. One more of ours: a token issued before the user's password
last changed is refused (``password_changed_at`` against the token's ``iat``,
read with the user: no query of its own).
"""

import time
from datetime import datetime

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.authentication import JWTAuthentication as SimpleJWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.utils import datetime_from_epoch

from accounts.errors import PasswordChanged

_VALIDATED: dict[bytes, tuple[object, float]] = {}  # raw access token -> (validated token, expiry)
_VALIDATED_MAX = 4096


class JWTAuthentication(SimpleJWTAuthentication):
    def get_validated_token(self, raw_token: bytes):
        """simplejwt's validation, remembered per raw token until it expires: a
        client sends the same access token with every request for its lifetime,
        and its signature and claims need checking only once. The key is the
        whole token, signature included, so only a token that passed the checks
        is ever found here. (The user is still read and checked on every
        request, so a deactivation or a password change counts at once.)"""
        known = _VALIDATED.get(raw_token)
        if known is not None and known[1] > time.time():
            return known[0]
        token = super().get_validated_token(raw_token)
        if len(_VALIDATED) >= _VALIDATED_MAX:
            _VALIDATED.clear()
        _VALIDATED[raw_token] = (token, token["exp"])
        return token

    def get_user(self, validated_token):
        """simplejwt's, for a claim that names a user id (a claim that is no
        number would make the ORM raise ``ValueError``, a 500: an invalid token
        instead), then refused if the password changed after the token was issued."""
        claim = validated_token.get(api_settings.USER_ID_CLAIM)
        if claim is not None:
            try:
                int(claim)
            except (TypeError, ValueError):
                raise InvalidToken("Token contained no recognizable user identification") from None
        user = super().get_user(validated_token)
        if not issued_since_password_change(validated_token, user.password_changed_at):
            raise AuthenticationFailed({"detail": PasswordChanged.default_message, "code": PasswordChanged.code})
        return user


def token_issued_at(token) -> datetime | None:
    """When a validated simplejwt token was issued (its ``iat``), if it says."""
    issued = token.get("iat")
    return datetime_from_epoch(issued) if isinstance(issued, int | float) else None


def issued_since_password_change(token, password_changed_at: datetime | None) -> bool:
    """Whether ``token`` was issued at or after the last password change. Both
    are whole seconds (``iat`` is, ``user_set_password`` truncates): a token
    issued in the second of the change counts as issued after it."""
    if password_changed_at is None:
        return True
    issued = token_issued_at(token)
    return issued is not None and issued >= password_changed_at


class JWTScheme(SimpleJWTScheme):
    """The OpenAPI security scheme: simplejwt's ``jwtAuth`` (Bearer), for this subclass."""

    target_class = "accounts.authentication.JWTAuthentication"
