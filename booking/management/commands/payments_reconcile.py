"""Settle pending payments the webhooks left open, and queue lost refund jobs again.

Runs every minute as a periodic job (CELERY_BEAT_SCHEDULE); this command runs it by hand.
"""

from django.core.management.base import BaseCommand

from booking.services import payments_reconcile


class Command(BaseCommand):
    help = "Look up pending payments older than PAYMENT_RECONCILE_AFTER_MINUTES at the provider and settle them."

    def handle(self, *args, **options):
        report = payments_reconcile()
        self.stdout.write(
            f"{report.checked} pending payment(s) checked, {report.settled} settled, "
            f"{report.abandoned} abandoned; {report.refunds_requeued} refund job(s) queued again."
        )
