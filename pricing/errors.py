"""Coded errors of prices and promo codes."""

from cinema.errors import ValidationFailed


class PromoInvalid(ValidationFailed):
    """The promo code cannot be used for this hold; ``details.reason`` says why:
    ``unknown``, ``inactive``, ``not_yet_valid``, ``expired``, ``used_up``,
    ``customer_limit``, ``film``, ``cinema``, ``ticket_type``, ``min_tickets``."""

    code = "promo_invalid"

    def __init__(self, message: str, *, reason: str, **extra):
        super().__init__(message, fields={"promo_code": [message]}, extra={"reason": reason, **extra})
        self.reason = reason


class TicketTypeNotOffered(ValidationFailed):
    code = "ticket_type_not_offered"
