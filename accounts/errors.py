"""Coded errors about accounts (mapped to HTTP by cinema.api.errors)."""

from cinema.errors import ApplicationError


class AccountUnusable(ApplicationError):
    """The token is valid but its account cannot act: the same 401, code and
    message simplejwt gives when it reads the user itself."""

    status_code = 401
    code = "user_inactive"
    default_message = "User is inactive"


class AccountNotFound(AccountUnusable):
    code = "user_not_found"
    default_message = "User not found"


class PasswordChanged(AccountUnusable):
    """The token was issued before the account's password last changed: every
    session ended then (simplejwt's own code and message for it)."""

    code = "password_changed"
    default_message = "The user's password has been changed."
