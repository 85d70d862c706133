"""The booking engine's writes, one module per use case:

- ``holds``: holding seats (``ticket_hold``);
- ``payments``: paying for a hold at the provider in three steps (``ticket_pay``), settling
  what the provider says (``payment_webhook_handle``, ``payment_settle``, ``payments_reconcile``);
- ``refunds``: cancelling tickets and sessions (``ticket_cancel``, ``session_cancel``), and
  the refund jobs (``refund_record``, ``refund_attempt``, ``refund_retry``);
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
from booking.services.payments import (
    PaymentStart,
    Reconciliation,
    payment_settle,
    payment_webhook_handle,
    payments_reconcile,
    ticket_pay,
)
from booking.services.refunds import (
    SessionCancellation,
    refund_attempt,
    refund_deadline,
    refund_record,
    refund_retry,
    session_cancel,
    ticket_cancel,
)

__all__ = [
    "AlreadyCheckedIn",
    "AlreadyPaid",
    "BookingNotFound",
    "HoldExpired",
    "IdempotencyKeyReused",
    "InvalidTicketToken",
    "PaymentStart",
    "Reconciliation",
    "RefundNotAllowed",
    "SalesClosed",
    "SeatUnavailable",
    "SessionCancellation",
    "TicketNotUsable",
    "holds_expire",
    "payment_settle",
    "payment_webhook_handle",
    "payments_reconcile",
    "refund_attempt",
    "refund_deadline",
    "refund_record",
    "refund_retry",
    "sales_problem",
    "session_cancel",
    "ticket_cancel",
    "ticket_check_in",
    "ticket_hold",
    "ticket_pay",
    "ticket_revoke_qr",
]
