"""Domain errors shared by every app.

A service raises an ``ApplicationError`` subclass; the API's exception handler
turns it into the one JSON error envelope with the class's HTTP status. The
admin shows its message. Codes are stable: clients branch on them.
"""


class ApplicationError(Exception):
    status_code = 400
    code = "invalid"
    default_message = "The request cannot be carried out."

    def __init__(self, message: str | None = None, *, code: str | None = None, extra: dict | None = None):
        self.message = message or self.default_message
        if code:
            self.code = code
        self.extra = extra or {}
        super().__init__(self.message)


class ValidationFailed(ApplicationError):
    status_code = 400
    code = "validation_error"

    def __init__(self, message: str | None = None, *, fields: dict | None = None, **kwargs):
        super().__init__(message or "Invalid input.", **kwargs)
        self.fields = fields or {}


class NotFound(ApplicationError):
    status_code = 404
    code = "not_found"
    default_message = "Not found."


class PermissionDenied(ApplicationError):
    status_code = 403
    code = "permission_denied"
    default_message = "You do not have permission to perform this action."


class Conflict(ApplicationError):
    status_code = 409
    code = "conflict"
    default_message = "The request conflicts with the current state."


class PaymentRequired(ApplicationError):
    status_code = 402
    code = "payment_declined"
    default_message = "The payment was declined."
