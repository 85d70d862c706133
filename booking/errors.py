"""Coded domain errors of the booking engine (mapped to HTTP by cinema.api.errors)."""

from cinema.errors import ApplicationError, Conflict, NotFound, PaymentRequired, ValidationFailed


class SeatUnavailable(Conflict):
    code = "seat_unavailable"


class SalesClosed(Conflict):
    code = "sales_closed"


class HoldExpired(Conflict):
    code = "hold_expired"


class AlreadyPaid(Conflict):
    code = "already_paid"


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"


class RefundNotAllowed(Conflict):
    code = "refund_not_allowed"


class TicketNotUsable(Conflict):
    code = "ticket_not_usable"


class AlreadyCheckedIn(Conflict):
    code = "already_checked_in"


class InvalidTicketToken(ValidationFailed):
    code = "invalid_ticket"


class PaymentDeclined(PaymentRequired):
    code = "payment_declined"


class BookingNotFound(NotFound):
    code = "not_found"


class PaymentInProgress(Conflict):
    code = "payment_in_progress"


class CardDataNotAccepted(ValidationFailed):
    code = "card_data_not_accepted"


class PaymentProviderUnavailable(ApplicationError):
    status_code = 503
    code = "payment_provider_unavailable"
    default_message = "The payment provider cannot be reached; try again in a moment."
