"""The booking app's jobs: refunds at the provider, the periodic payment
reconciliation, and the periodic tidying of lapsed holds (Celery beat's schedule
is in settings)."""

from celery import shared_task

from booking.models import Refund
from booking.services import holds_expire, payments, refunds


@shared_task(bind=True, max_retries=None, name="booking.refund_execute")
def refund_execute(self, refund_id: int) -> str:
    outcome = refunds.refund_attempt(refund_id=refund_id)
    if outcome == "retry":
        attempts = Refund.objects.values_list("attempts", flat=True).get(pk=refund_id)
        raise self.retry(countdown=refunds.backoff_seconds(attempts))
    return outcome


@shared_task(name="booking.payments_reconcile")
def payments_reconcile() -> dict:
    return payments.payments_reconcile().__dict__


@shared_task(name="booking.expire_holds")
def expire_holds() -> list[int]:
    """Retire lapsed holds (a lapsed hold's seats are free already; this tidies)."""
    tickets, bookings = holds_expire()
    return [tickets, bookings]
