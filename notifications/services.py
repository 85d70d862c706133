"""Writes about messages: recording them in the outbox, sending, the sweep.

Product code calls a ``notify_*`` function inside the transaction that causes
the message. It records the message under its unique key (nothing if the key
is already there) and queues the send job for after the commit. The job
claims the row with a conditional UPDATE (one worker sends it), talks to the
mail server with no transaction open, then marks it sent. A job lost on the
way (broker down at commit, worker killed) leaves the row queued or sending;
the sweep queues it again once it is MESSAGE_STALE_SECONDS old.

The window that remains: the mail server accepted the message and the worker
died before it wrote ``sent``. The sweep then sends it again with the same
``Message-ID`` header, which mail systems use to drop the copy.

This app sits above the others (it reads bookings, sessions, reviews to write
its texts); the apps below import it inside the function that calls it.
"""

import logging
import smtplib
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import F, Q
from django.utils import timezone

from cinema.jobs import enqueue
from notifications import metrics
from notifications.models import Message, MessageKind, MessageStatus

logger = logging.getLogger("notifications")

_INSERT_COLUMNS = (
    "kind",
    "key",
    "user_id",
    "recipient",
    "language",
    "context",
    "status",
    "attempts",
    "last_error",
    "message_id",
    "subject",
    "created_at",
    "updated_at",
)


def _insert_message_sql(connection) -> str:
    """INSERT one message for a user, taking the address and language from the
    user's row, unless its key is already recorded. One statement and no read,
    so it can travel in a ``cinema.db.pipeline`` with the writes that cause it."""
    quote = connection.ops.quote_name
    table = quote(Message._meta.db_table)
    return (
        f"INSERT INTO {table} ({', '.join(quote(c) for c in _INSERT_COLUMNS)}) "
        "SELECT %s, %s, u.id, u.email, u.preferred_language, %s, %s, 0, '', %s, '', %s, %s "
        "FROM accounts_user u WHERE u.id = %s "
        f"ON CONFLICT ({quote('key')}) DO NOTHING"
    )


def _new_message_id(kind: str) -> str:
    return make_msgid(idstring=kind.replace("_", "-"), domain=urlsplit(settings.SITE_URL).hostname or "cinema.local")


_silence = threading.local()


@contextmanager
def messages_off():
    """Nobody is told about what happens inside (demo data, imports): no message is recorded."""
    previous = getattr(_silence, "on", False)
    _silence.on = True
    try:
        yield
    finally:
        _silence.on = previous


def message_record(*, kind: str, about: str, user_id: int, context: dict | None = None) -> str:
    """Record the message ``kind`` about ``about`` (e.g. ``booking-12``) for a
    user, once, in the current transaction; queue its send after the commit.
    Returns its key."""
    from notifications import tasks

    key = f"{kind}:{about}:user-{user_id}"
    if getattr(_silence, "on", False):
        return key
    connection = connections[DEFAULT_DB_ALIAS]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    context_value = Message._meta.get_field("context").get_db_prep_save(context or {}, connection)
    with connection.cursor() as cursor:
        cursor.execute(
            _insert_message_sql(connection),
            [kind, key, context_value, MessageStatus.QUEUED, _new_message_id(kind), now, now, user_id],
        )
    enqueue(tasks.send_message, key)
    return key


# --- What product code calls --------------------------------------------------


def notify_booking_paid(*, booking) -> None:
    """The booking confirmation with the tickets (QR codes) and a calendar file."""
    message_record(
        kind=MessageKind.BOOKING_CONFIRMATION,
        about=f"booking-{booking.pk}",
        user_id=booking.user_id,
        context={"booking": booking.pk},
    )


def notify_tickets_refunded(*, booking, tickets, amount: Decimal) -> None:
    """A refund (the customer's cancellation or the back office's)."""
    if not tickets:
        return
    ids = sorted(t.pk for t in tickets)
    message_record(
        kind=MessageKind.REFUND_CONFIRMATION,
        about=f"tickets-{'-'.join(map(str, ids))}",
        user_id=booking.user_id,
        context={"booking": booking.pk, "tickets": ids, "amount": str(amount)},
    )


def notify_session_cancelled(*, session, booking, tickets, amount: Decimal) -> None:
    """The cinema cancelled the session: what was refunded, an apology, other sessions."""
    message_record(
        kind=MessageKind.SESSION_CANCELLED,
        about=f"booking-{booking.pk}",
        user_id=booking.user_id,
        context={
            "session": session.pk,
            "booking": booking.pk,
            "tickets": sorted(t.pk for t in tickets),
            "amount": str(amount),
        },
    )


def notify_review_moderated(*, review) -> None:
    """Approved, or rejected with the moderator's reason (each moderation once)."""
    message_record(
        kind=MessageKind.REVIEW_MODERATED,
        about=f"review-{review.pk}-{review.moderated_at.timestamp():.6f}",
        user_id=review.user_id,
        context={
            "review": review.pk,
            "approved": review.status == "approved",
            "reason": review.rejection_reason,
        },
    )


def notify_password_reset(*, user) -> None:
    """A link to set a new password (the token is made when the message is sent)."""
    message_record(
        kind=MessageKind.PASSWORD_RESET, about=f"at-{timezone.now().timestamp():.6f}", user_id=user.pk, context={}
    )


def notify_email_verification(*, user) -> None:
    """A link that confirms the user's current address."""
    message_record(
        kind=MessageKind.EMAIL_VERIFICATION,
        about=f"at-{timezone.now().timestamp():.6f}",
        user_id=user.pk,
        context={"email": user.email},
    )


def reminders_queue(*, now=None) -> int:
    """Record a reminder for every paid booking starting within
    REMINDER_HOURS_BEFORE hours (once per booking: the key is the booking)."""
    from booking.models import Booking, BookingStatus
    from scheduling.models import SessionStatus

    now = now or timezone.now()
    due = (
        Booking.objects.filter(
            status=BookingStatus.PAID,
            session__status__in=[SessionStatus.SCHEDULED, SessionStatus.ON_SALE, SessionStatus.SOLD_OUT],
            session__starts_at__gt=now,
            session__starts_at__lte=now + timedelta(hours=settings.REMINDER_HOURS_BEFORE),
        )
        .exclude(user_id__isnull=True)
        .values_list("pk", "user_id")
    )
    recorded = 0
    for booking_id, user_id in due.iterator():
        with transaction.atomic():
            message_record(
                kind=MessageKind.REMINDER,
                about=f"booking-{booking_id}",
                user_id=user_id,
                context={"booking": booking_id},
            )
        recorded += 1
    return recorded


# --- Sending ------------------------------------------------------------------


@dataclass(frozen=True)
class SendOutcome:
    status: str  # sent, skipped (someone else has it, or it is done), retry, failed
    attempts: int = 0
    error: str = ""


def _stale_before(now):
    return now - timedelta(seconds=settings.MESSAGE_STALE_SECONDS)


def message_claim(*, key: str, now=None) -> Message | None:
    """Take the message for sending: one conditional UPDATE, so of two workers
    with the same job only one gets it. A message left ``sending`` by a worker
    that died is taken again once it is stale."""
    now = now or timezone.now()
    claimed = (
        Message.objects.filter(key=key)
        .filter(Q(status=MessageStatus.QUEUED) | Q(status=MessageStatus.SENDING, updated_at__lt=_stale_before(now)))
        .update(status=MessageStatus.SENDING, attempts=F("attempts") + 1, updated_at=now)
    )
    return Message.objects.filter(key=key).first() if claimed else None


def _permanent(exc: Exception) -> bool:
    """The server refused this message for good: 5xx for the address, or for
    the message itself. (A refused login or sender is the configuration's
    fault: retried, so the messages go once it is fixed.)"""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPDataError):
        return exc.smtp_code >= 500
    return False


def message_send(*, key: str) -> SendOutcome:
    """Claim, render, hand to the mail server, record the result."""
    from notifications.emails import build_email

    message = message_claim(key=key)
    if message is None:
        return SendOutcome("skipped")
    try:
        email = build_email(message)
    except Exception as exc:  # a message that cannot be written will not be written on the next try either
        logger.exception("message not rendered", extra={"event": "message_failed", "key": key})
        return _give_up(message, f"{type(exc).__name__}: {exc}")
    Message.objects.filter(pk=message.pk).update(subject=email.subject[:255])
    try:
        email.send()
    except (smtplib.SMTPException, OSError) as exc:
        error = f"{type(exc).__name__}: {exc}"
        if _permanent(exc) or message.attempts >= settings.MESSAGE_MAX_ATTEMPTS:
            return _give_up(message, error)
        Message.objects.filter(pk=message.pk, status=MessageStatus.SENDING).update(
            status=MessageStatus.QUEUED, last_error=error[:2000], updated_at=timezone.now()
        )
        logger.warning("message not sent, will retry", extra={"event": "message_retry", "key": key, "error": error})
        return SendOutcome("retry", message.attempts, error)
    now = timezone.now()
    Message.objects.filter(pk=message.pk, status=MessageStatus.SENDING).update(
        status=MessageStatus.SENT, sent_at=now, updated_at=now, last_error=""
    )
    metrics.messages_sent.labels(message.kind).inc()
    logger.info("message sent", extra={"event": "message_sent", "key": key, "attempts": message.attempts})
    return SendOutcome("sent", message.attempts)


def _give_up(message: Message, error: str) -> SendOutcome:
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.FAILED, last_error=error[:2000], updated_at=timezone.now()
    )
    metrics.messages_failed.labels(message.kind).inc()
    logger.error("message failed", extra={"event": "message_failed", "key": message.key, "error": error})
    return SendOutcome("failed", message.attempts, error)


def retry_delay(attempts: int) -> int:
    """Seconds before the next try: 30 s, 1, 2, 4 min… at most 5 min (under the sweep's age)."""
    return min(30 * 2 ** max(attempts - 1, 0), 300)


def messages_sweep(*, now=None) -> int:
    """Queue again the sends that never completed: messages queued or sending
    for longer than MESSAGE_STALE_SECONDS. Returns how many."""
    from notifications import tasks

    now = now or timezone.now()
    keys = list(
        Message.objects.filter(
            status__in=[MessageStatus.QUEUED, MessageStatus.SENDING], updated_at__lt=_stale_before(now)
        ).values_list("key", flat=True)[:1000]
    )
    for key in keys:
        enqueue(tasks.send_message, key)
    if keys:
        logger.info("messages queued again", extra={"event": "messages_swept", "count": len(keys)})
    return len(keys)


def message_resend(*, message: Message) -> Message:
    """Send a message again (the back office): a fresh copy with a new
    Message-ID, since the customer is asking for one."""
    from notifications import tasks

    with transaction.atomic():
        Message.objects.filter(pk=message.pk).update(
            status=MessageStatus.QUEUED,
            attempts=0,
            last_error="",
            sent_at=None,
            message_id=_new_message_id(message.kind),
            updated_at=timezone.now(),
        )
        enqueue(tasks.send_message, message.key)
    message.refresh_from_db()
    return message
