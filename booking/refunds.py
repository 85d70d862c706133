"""Refunds as jobs.

A cancellation releases its seats and records ``pending`` refunds in its own
transaction (``refund_record``); after it commits, a job per refund asks the
provider (``refund_attempt``, no transaction open) with the refund's own
idempotency key, so a retry never pays back twice. A refusal or an outage is
counted (``attempts``, ``last_error``) and retried with a growing pause; after
REFUND_MAX_ATTEMPTS the refund is ``failed`` and waits in the admin for a
manager's "retry". Nothing here can undo a refund the provider already made.
"""

import logging
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from booking import metrics
from booking.errors import RefundNotAllowed
from booking.models import Payment, PaymentStatus, Refund, RefundStatus, Ticket
from booking.providers import get_provider
from booking.providers.base import CANCELED, SUCCEEDED, ProviderError
from cinema.jobs import enqueue

logger = logging.getLogger("booking")

# A pending refund whose job has not touched it for this long is queued again by reconciliation.
_STALE_AFTER = timedelta(minutes=10)


def refund_record(*, payment: Payment, amount: Decimal, reason: str, ticket: Ticket | None = None) -> Refund:
    """Record a refund of ``amount`` of ``payment`` (inside the caller's
    transaction) and queue its job for after the commit."""
    key = f"ticket-{ticket.pk}" if ticket is not None else f"payment-{payment.pk}-{reason}"
    refund = Refund.objects.create(
        payment=payment,
        ticket=ticket,
        amount=amount,
        currency=payment.currency,
        reason=reason,
        idempotency_key=key,
    )
    _queue(refund.pk)
    return refund


def _queue(refund_id: int) -> None:
    from booking.tasks import refund_execute

    enqueue(refund_execute, refund_id)


def backoff_seconds(attempts: int) -> int:
    """The pause before attempt ``attempts + 1``: 30 s, 1 min, 2 min … at most an hour."""
    return min(30 * 2 ** max(attempts - 1, 0), 3600)


def refund_attempt(*, refund_id: int) -> str:
    """Ask the provider for one pending refund. Returns ``succeeded``,
    ``retry`` (try again later), ``failed`` (gave up) or ``done`` (nothing to do)."""
    refund = Refund.objects.select_related("payment").filter(pk=refund_id).first()
    if refund is None or refund.status != RefundStatus.PENDING:
        return "done"
    try:
        answer = get_provider(refund.payment.provider).create_refund(
            idempotency_key=refund.idempotency_key,
            payment_id=refund.payment.provider_reference,
            amount=refund.amount,
            currency=refund.currency,
        )
    except ProviderError as exc:
        return _attempt_failed(refund.pk, str(exc))
    if answer.status == SUCCEEDED:
        refund_succeeded(refund_id=refund.pk, provider_reference=answer.id)
        return "succeeded"
    if answer.status == CANCELED:
        return _attempt_failed(refund.pk, answer.failure_reason or "The provider cancelled the refund.")
    # Accepted, not finished: its webhook (or the next attempt, same key) settles it.
    Refund.objects.filter(pk=refund.pk).update(provider_reference=answer.id, updated_at=timezone.now())
    return _attempt_failed(refund.pk, "The provider is still processing the refund.", count_only=True)


def _attempt_failed(refund_id: int, error: str, *, count_only: bool = False) -> str:
    with transaction.atomic():
        refund = Refund.objects.select_for_update().get(pk=refund_id)
        if refund.status != RefundStatus.PENDING:
            return "done"
        refund.attempts += 1
        refund.last_error = error[:500]
        if refund.attempts >= settings.REFUND_MAX_ATTEMPTS:
            refund.status = RefundStatus.FAILED
        refund.save(update_fields=["attempts", "last_error", "status", "updated_at"])
    if not count_only:
        logger.warning(
            "refund attempt failed",
            extra={"event": "refund_failed", "refund": refund_id, "attempts": refund.attempts, "error": error},
        )
    return "failed" if refund.status == RefundStatus.FAILED else "retry"


def refund_succeeded(*, refund_id: int, provider_reference: str) -> bool:
    """The provider paid a refund back: record it on the refund and its payment (once)."""
    with transaction.atomic():
        refund = Refund.objects.select_for_update().get(pk=refund_id)
        if refund.status == RefundStatus.SUCCEEDED:
            return False
        payment = Payment.objects.select_for_update().get(pk=refund.payment_id)
        now = timezone.now()
        refund.status, refund.succeeded_at, refund.last_error = RefundStatus.SUCCEEDED, now, ""
        refund.provider_reference = provider_reference
        refund.save(update_fields=["status", "succeeded_at", "last_error", "provider_reference", "updated_at"])
        payment.refunded_amount = min(payment.refunded_amount + refund.amount, payment.amount)
        payment.status = (
            PaymentStatus.REFUNDED if payment.refunded_amount >= payment.amount else PaymentStatus.PARTIALLY_REFUNDED
        )
        payment.save(update_fields=["refunded_amount", "status", "updated_at"])
    metrics.count(metrics.refunds)
    logger.info("refund made", extra={"event": "refund_succeeded", "refund": refund_id, "amount": str(refund.amount)})
    return True


def refund_retry(*, refund: Refund) -> Refund:
    """A manager sends a failed (or stuck) refund again: a fresh round of attempts, same idempotency key."""
    with transaction.atomic():
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if refund.status == RefundStatus.SUCCEEDED:
            raise RefundNotAllowed("This refund has already been made.")
        refund.status, refund.attempts = RefundStatus.PENDING, 0
        refund.save(update_fields=["status", "attempts", "updated_at"])
        _queue(refund.pk)
    return refund


def refunds_requeue(*, now=None) -> int:
    """Queue again the pending refunds no job has touched for a while (a lost job, a broker outage)."""
    now = now or timezone.now()
    ids = list(
        Refund.objects.filter(status=RefundStatus.PENDING, updated_at__lte=now - _STALE_AFTER).values_list(
            "pk", flat=True
        )
    )
    for refund_id in ids:
        _queue(refund_id)
    return len(ids)
