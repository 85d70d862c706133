"""The outbox: one row per message a customer is owed.

A message is recorded in the transaction that causes it (a payment, a refund, a
registration) under a unique key, so a retried request, a re-run schedule or a
second worker never makes a second one; its send job is queued after the commit.
The row says how far the send got: ``queued`` → ``sending`` (claimed by one
worker) → ``sent``, or ``failed`` after the last attempt.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageKind(models.TextChoices):
    BOOKING_CONFIRMATION = "booking_confirmation", _("Booking confirmation")
    REFUND_CONFIRMATION = "refund_confirmation", _("Refund confirmation")
    SESSION_CANCELLED = "session_cancelled", _("Session cancelled")
    REMINDER = "reminder", _("Reminder")
    PASSWORD_RESET = "password_reset", _("Password reset")
    EMAIL_VERIFICATION = "email_verification", _("E-mail verification")
    REVIEW_MODERATED = "review_moderated", _("Review moderated")


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Message(models.Model):
    kind = models.CharField(_("kind"), max_length=32, choices=MessageKind.choices)
    # kind + the object it is about + the recipient: the same message is never recorded twice.
    key = models.CharField(_("key"), max_length=200, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recipient = models.EmailField(_("recipient"), max_length=254)
    language = models.CharField(_("language"), max_length=5)
    # What the message is about, as ids and amounts; the text is rendered when it is sent.
    context = models.JSONField(_("context"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=MessageStatus.choices, default=MessageStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # The Message-ID header: a resend after a crash carries the same one, so mail systems drop the copy.
    message_id = models.CharField(_("Message-ID"), max_length=255)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at"]
        permissions = [("resend_message", _("Can send a message again"))]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=MessageStatus.values), name="message_status_valid"),
        ]
        indexes = [
            # The sweep: unfinished messages by age (small: finished ones are left out).
            models.Index(
                fields=["updated_at"],
                name="message_unfinished_idx",
                condition=models.Q(status__in=["queued", "sending"]),
            ),
            models.Index(fields=["user", "-created_at"], name="message_user_created_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient}"
