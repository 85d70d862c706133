"""The booking engine's writes, one module per use case:

- ``holds``: holding seats (``ticket_hold``);
- ``payments``: paying for a hold (``booking_pay``, ``ticket_pay``);
- ``refunds``: cancelling tickets and sessions, refunding what was paid
  (``ticket_cancel``, ``session_cancel``);
- ``checkin``: the door (``ticket_check_in``, ``ticket_revoke_qr``);
- ``expiry``: retiring lapsed holds (``holds_expire``);
- ``_locks``: the locking protocol every one of them follows (its order is
  written there, once).

Callers import the services from here: ``from booking.services import ticket_hold``.
"""

from booking.errors import (
    AlreadyCheckedIn,
    AlreadyPaid,
    BookingNotFound,
    HoldExpired,
    IdempotencyKeyReused,
    InvalidTicketToken,
    RefundNotAllowed,
    SalesClosed,
    SeatUnavailable,
    TicketNotUsable,
)
from booking.services.checkin import ticket_check_in, ticket_revoke_qr
from booking.services.expiry import holds_expire
from booking.services.holds import sales_problem, ticket_hold
from booking.services.payments import PaymentOutcome, booking_pay, ticket_pay
from booking.services.refunds import SessionCancellation, session_cancel, ticket_cancel

__all__ = [
    "AlreadyCheckedIn",
    "AlreadyPaid",
    "BookingNotFound",
    "HoldExpired",
    "IdempotencyKeyReused",
    "InvalidTicketToken",
    "PaymentOutcome",
    "RefundNotAllowed",
    "SalesClosed",
    "SeatUnavailable",
    "SessionCancellation",
    "TicketNotUsable",
    "booking_pay",
    "holds_expire",
    "sales_problem",
    "session_cancel",
    "ticket_cancel",
    "ticket_check_in",
    "ticket_hold",
    "ticket_pay",
    "ticket_revoke_qr",
]
