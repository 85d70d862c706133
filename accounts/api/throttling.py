import hashlib

from accounts.identity import EMAIL_INPUT_MAX_LENGTH, canonical_email
from cinema.api.throttling import AtomicRateThrottle


class LoginAccountThrottle(AtomicRateThrottle):
    """Counts attempts per account, so spreading over IPs does not help: keyed
    on the canonical address, so every spelling of one account (``ſ`` for
    ``s``, full-width letters, case, spaces) shares its limit."""

    scope = "login_account"

    def get_ident_key(self, request, view):
        email = request.data.get("email") if hasattr(request.data, "get") else None
        if not isinstance(email, str) or not email.strip():
            return None
        # Longer input is refused before any password check: its bucket does not matter.
        # Hashed: a cache key of fixed length and plain characters, whatever was typed.
        address = canonical_email(email[:EMAIL_INPUT_MAX_LENGTH])[:254]
        return hashlib.sha256(address.encode()).hexdigest()


class PasswordResetEmailThrottle(LoginAccountThrottle):
    """Per address asked for, whether or not it has an account (the answer does not tell)."""

    scope = "password_reset_email"
