"""JWT authentication with the user read by one hand-written statement.

Every authenticated request loads its user; simplejwt does it through the ORM,
whose compile cost more than the query. The checks are simplejwt's own: the
user exists and is active (a deactivated account is refused at once, not when
its access token lapses), and, if enabled, the password has not changed since
the token was issued.
"""

from django.db import connection
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt.authentication import JWTAuthentication as SimpleJWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.utils import get_md5_hash_password

from accounts.models import User
from cinema.db import columns, load

_NAMES = [f.attname for f in User._meta.concrete_fields]
_SQL: dict[str, str] = {}


def user_by_id(user_id) -> User | None:
    sql = _SQL.get(connection.vendor)
    if sql is None:
        sql = _SQL[connection.vendor] = f"SELECT {columns(User, _NAMES, 'u')} FROM accounts_user u WHERE u.id = %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id])
        row = cursor.fetchone()
    return None if row is None else load(User, _NAMES, row)


class JWTAuthentication(SimpleJWTAuthentication):
    def get_user(self, validated_token):
        try:
            user_id = int(validated_token[api_settings.USER_ID_CLAIM])
        except (KeyError, TypeError, ValueError) as e:
            raise InvalidToken(_("Token contained no recognizable user identification")) from e
        user = user_by_id(user_id)
        if user is None:
            raise AuthenticationFailed(_("User not found"), code="user_not_found")
        if api_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
            raise AuthenticationFailed(_("User is inactive"), code="user_inactive")
        if api_settings.CHECK_REVOKE_TOKEN and validated_token.get(
            api_settings.REVOKE_TOKEN_CLAIM
        ) != get_md5_hash_password(user.password):
            raise AuthenticationFailed(_("The user's password has been changed."), code="password_changed")
        return user


class JWTScheme(SimpleJWTScheme):
    """The OpenAPI security scheme: simplejwt's ``jwtAuth`` (Bearer), for this subclass."""

    target_class = "accounts.authentication.JWTAuthentication"
