"""simplejwt's JWT authentication, with the user read by one hand-written statement.

Every authenticated request loads its user; simplejwt does it through the ORM,
whose compile cost more than the query. Its checks are unchanged: the user
exists and is active (a deactivated account is refused at once, not when its
access token lapses), and, if enabled, the password has not changed since the
token was issued.

Holds and payments authenticate with ``TokenUserJWTAuthentication``:
the token is checked, and the service makes the account checks itself
(``ACCOUNT_ACTIVE_SQL``, ``check_account``) in the statement that takes its
first lock, inside its transaction — one round trip fewer on the booking path.

On an operation anyone may call, a token that fails (expired, forged, its user
gone) is ignored and the request is served as anonymous: clients send their
token with every request, and an expired one must not break public reads. The
OpenAPI schema declares those operations with no authentication as the
alternative (``cinema.api.schema``).
"""

import functools
import time

from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt import settings as simplejwt_settings
from rest_framework_simplejwt.authentication import JWTAuthentication as SimpleJWTAuthentication
from rest_framework_simplejwt.authentication import JWTStatelessUserAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken

from accounts.errors import AccountNotFound, AccountUnusable
from accounts.models import User
from cinema.api.permissions import ANYONE, who_may_call
from cinema.db import columns, load

_NAMES = [f.attname for f in User._meta.concrete_fields]


@functools.cache
def _user_sql(vendor: str) -> str:  # written once per database vendor
    return f"SELECT {columns(User, _NAMES, 'u')} FROM accounts_user u WHERE u.id = %s"


def user_by_id(user_id) -> User | None:
    with connection.cursor() as cursor:
        cursor.execute(_user_sql(connection.vendor), [user_id])
        row = cursor.fetchone()
    return None if row is None else load(User, _NAMES, row)


_VALIDATED: dict[bytes, tuple[object, float]] = {}  # raw access token -> (validated token, expiry)
_VALIDATED_MAX = 4096


class JWTAuthentication(SimpleJWTAuthentication):
    def authenticate(self, request):
        try:
            return super().authenticate(request)
        except AuthenticationFailed:
            view = (request.parser_context or {}).get("view")
            if view is not None and who_may_call(view, request.method) == ANYONE:
                return None  # a public operation: served as anonymous
            raise

    def get_validated_token(self, raw_token: bytes):
        """simplejwt's validation, remembered per raw token until it expires: a
        client sends the same access token with every request for its lifetime,
        and checking the signature and claims again cost 0.15 ms each time. The
        key is the whole token, signature included, so only a token that passed
        the checks is ever found here. (Access tokens are not revocable before
        expiry in simplejwt; the user is still loaded and checked per request.)"""
        known = _VALIDATED.get(raw_token)
        if known is not None and known[1] > time.time():
            return known[0]
        token = super().get_validated_token(raw_token)
        if len(_VALIDATED) >= _VALIDATED_MAX:
            _VALIDATED.clear()
        _VALIDATED[raw_token] = (token, token["exp"])
        return token

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user_model = _USERS  # simplejwt's get_user (and its checks) reads the user through this


class _Users:
    """What simplejwt's ``get_user`` asks of the user model, ``objects.get`` and
    ``DoesNotExist``, answered by ``user_by_id``: its checks (exists, active,
    password unchanged) stay simplejwt's own."""

    DoesNotExist = User.DoesNotExist

    @property
    def objects(self):
        return self

    def get(self, **lookup):
        (user_id,) = lookup.values()
        try:
            user = user_by_id(int(user_id))
        except (TypeError, ValueError):
            user = None  # a claim that is no id names no user
        if user is None:
            raise User.DoesNotExist
        return user


_USERS = _Users()


# The account as a service checks it: a column its first statement selects
# (params: the user id); NULL when there is no such user.
ACCOUNT_ACTIVE_SQL = f"(SELECT is_active FROM {User._meta.db_table} WHERE id = %s)"


def check_account(active) -> None:
    """simplejwt's checks of the user, on the value ``ACCOUNT_ACTIVE_SQL`` gave."""
    if active is None:
        raise AccountNotFound()
    if not active:
        raise AccountUnusable()


class TokenUserJWTAuthentication(JWTAuthentication, JWTStatelessUserAuthentication):
    """The token checked as ``JWTAuthentication`` checks it, the user not read:
    ``request.user`` is simplejwt's ``TokenUser`` (the id from the token).
    Only for views whose service checks the account itself, in its own
    transaction, before it writes (``check_account``): the request then
    fails with the same 401 as it would here, and nothing is written."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if simplejwt_settings.api_settings.CHECK_REVOKE_TOKEN:
            raise ImproperlyConfigured("CHECK_REVOKE_TOKEN needs the user read: use JWTAuthentication.")

    def get_user(self, validated_token):
        user = JWTStatelessUserAuthentication.get_user(self, validated_token)
        try:
            vars(user)["id"] = int(user.id)  # the claim as the key it names (TokenUser.id is a cached property)
        except (TypeError, ValueError):
            raise InvalidToken("Token contained no recognizable user identification") from None
        return user


class JWTScheme(SimpleJWTScheme):
    """The OpenAPI security scheme: simplejwt's ``jwtAuth`` (Bearer), for this subclass."""

    target_class = "accounts.authentication.JWTAuthentication"
