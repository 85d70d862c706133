"""simplejwt's JWT authentication, with the user read by one hand-written statement.

Every authenticated request loads its user; simplejwt does it through the ORM,
whose compile cost more than the query. Its checks are unchanged: the user
exists and is active (a deactivated account is refused at once, not when its
access token lapses), and, if enabled, the password has not changed since the
token was issued. One more of ours: a token issued before the user's password
last changed is refused (``password_changed_at`` against the token's ``iat``,
read with the user: no query of its own).

Holds and payments authenticate with ``TokenUserJWTAuthentication``:
the token is checked, and the service makes the account checks itself
(``ACCOUNT_STATE_SQL``, ``check_account``) in the statement that takes its
first lock, inside its transaction — one round trip fewer on the booking path.
"""

import functools
import time
from datetime import datetime

from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt import settings as simplejwt_settings
from rest_framework_simplejwt.authentication import JWTAuthentication as SimpleJWTAuthentication
from rest_framework_simplejwt.authentication import JWTStatelessUserAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.utils import datetime_from_epoch

from accounts.errors import AccountNotFound, AccountUnusable, PasswordChanged
from accounts.models import User
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

    def get_user(self, validated_token):
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
# (params: ``account_params(user)``). NULL when there is no such user, else
# 0 inactive, 2 the password changed after the user's token was issued, 1 usable.
ACCOUNT_STATE_SQL = f"""(SELECT CASE WHEN NOT is_active THEN 0 WHEN password_changed_at > %s THEN 2 ELSE 1 END
    FROM {User._meta.db_table} WHERE id = %s)"""


def account_params(user) -> list:
    """The params of ``ACCOUNT_STATE_SQL`` for ``user``: a token's user (whose
    token's issue time is compared) or a loaded ``User`` (already checked)."""
    token = getattr(user, "token", None)  # simplejwt's TokenUser carries its token
    issued = None if token is None else token_issued_at(token)
    return [connection.ops.adapt_datetimefield_value(issued), user.pk]


def check_account(state) -> None:
    """simplejwt's checks of the user, and ours, on the value ``ACCOUNT_STATE_SQL`` gave."""
    if state is None:
        raise AccountNotFound()
    if state == 0:
        raise AccountUnusable()
    if state == 2:
        raise PasswordChanged()


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
