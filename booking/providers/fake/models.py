"""The fake provider's own state: what a real provider keeps on its side."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FakePspPayment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        CANCELED = "canceled", _("Canceled")

    id = models.CharField(primary_key=True, max_length=40)
    idempotency_key = models.CharField(max_length=255, unique=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    description = models.CharField(max_length=255, blank=True)
    return_url = models.CharField(max_length=1000)
    metadata = models.JSONField(default=dict)
    cancellation_reason = models.CharField(max_length=64, blank=True)
    awaiting_3ds = models.BooleanField(default=False)
    card_last4 = models.CharField(max_length=4, blank=True)
    refuses_refunds = models.BooleanField(default=False)
    webhook_url = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "fake_psp_payment"
        verbose_name = _("fake provider payment")
        verbose_name_plural = _("fake provider payments")

    def __str__(self):
        return self.id


class FakePspRefund(models.Model):
    id = models.CharField(primary_key=True, max_length=40)
    idempotency_key = models.CharField(max_length=255, unique=True)
    payment = models.ForeignKey(FakePspPayment, on_delete=models.CASCADE, related_name="refunds")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    status = models.CharField(max_length=12, default="succeeded")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "fake_psp_refund"
        verbose_name = _("fake provider refund")
        verbose_name_plural = _("fake provider refunds")

    def __str__(self):
        return self.id


class FakePspEvent(models.Model):
    """A webhook the fake provider sends (and resends until it is answered 2xx)."""

    id = models.CharField(primary_key=True, max_length=40)
    type = models.CharField(max_length=32)
    body = models.TextField()
    url = models.CharField(max_length=1000)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "fake_psp_event"
        verbose_name = _("fake provider webhook")
        verbose_name_plural = _("fake provider webhooks")

    def __str__(self):
        return f"{self.type} {self.id}"
