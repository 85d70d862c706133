"""Links that prove control of an e-mail address: a signed, timed token.

The token carries a digest of the address it was sent to, so it confirms that
address only: after a change of address an older link no longer verifies.
Verifying twice is harmless. (Password reset uses Django's own token, which a
new password or a new sign-in invalidates.)
"""

import hashlib

from django.conf import settings
from django.core import signing
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode

_SALT = "accounts.verify-email.v1"


def _digest(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:24]


def make_email_token(user) -> str:
    return signing.TimestampSigner(salt=_SALT).sign(_digest(user.email))


def check_email_token(user, token: str) -> bool:
    if not isinstance(token, str) or len(token) > 200:
        return False
    try:
        value = signing.TimestampSigner(salt=_SALT).unsign(token, max_age=settings.EMAIL_VERIFICATION_TIMEOUT)
    except signing.BadSignature:
        return False
    return value == _digest(user.email)


def user_from_uid(uid: str, queryset):
    """The user a link's ``uid`` names (``None`` for anything else)."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uid)))
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    return queryset.filter(pk=pk).first()
