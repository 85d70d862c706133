"""simplejwt's JWT authentication, with a validated token remembered until it expires.

Every authenticated request, holds and payments included, reads its user
through simplejwt (one query) with simplejwt's checks: the user exists and
is active (a deactivated account is refused at once, not when its access
token lapses), and, if enabled, the password has not changed since the
token was issued.
"""

import time

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt.authentication import JWTAuthentication as SimpleJWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.settings import api_settings

_VALIDATED: dict[bytes, tuple[object, float]] = {}  # raw access token -> (validated token, expiry)
_VALIDATED_MAX = 4096


class JWTAuthentication(SimpleJWTAuthentication):
    def get_validated_token(self, raw_token: bytes):
        """simplejwt's validation, remembered per raw token until it expires: a
        client sends the same access token with every request for its lifetime,
        and its signature and claims need checking only once. The key is the
        whole token, signature included, so only a token that passed the checks
        is ever found here. (Access tokens are not revocable before expiry in
        simplejwt; the user is still read and checked on every request.)"""
        known = _VALIDATED.get(raw_token)
        if known is not None and known[1] > time.time():
            return known[0]
        token = super().get_validated_token(raw_token)
        if len(_VALIDATED) >= _VALIDATED_MAX:
            _VALIDATED.clear()
        _VALIDATED[raw_token] = (token, token["exp"])
        return token

    def get_user(self, validated_token):
        """simplejwt's, for a claim that names a user id; a claim that is no
        number (the ORM would raise ``ValueError``, a 500) is an invalid token."""
        claim = validated_token.get(api_settings.USER_ID_CLAIM)
        if claim is not None:
            try:
                int(claim)
            except (TypeError, ValueError):
                raise InvalidToken("Token contained no recognizable user identification") from None
        return super().get_user(validated_token)


class JWTScheme(SimpleJWTScheme):
    """The OpenAPI security scheme: simplejwt's ``jwtAuth`` (Bearer), for this subclass."""

    target_class = "accounts.authentication.JWTAuthentication"
