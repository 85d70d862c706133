from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pricing.models import DEFAULT_TICKET_TYPE
from venues.models import SeatCategory

ZERO = Decimal("0.00")


class TicketStatus(models.TextChoices):
    RESERVED = "reserved", _("Reserved (held)")
    PAID = "paid", _("Paid")
    USED = "used", _("Used")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")
    EXPIRED = "expired", _("Expired")


# Statuses that occupy a seat (a reserved ticket only until reserved_until).
LIVE_STATUSES = (TicketStatus.RESERVED, TicketStatus.PAID, TicketStatus.USED)
SOLD_STATUSES = (TicketStatus.PAID, TicketStatus.USED)


class BookingStatus(models.TextChoices):
    RESERVED = "reserved", _("Reserved (held)")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")
    REFUNDED = "refunded", _("Refunded")


class PaymentMethod(models.TextChoices):
    CARD = "card", _("Card")
    SBP = "sbp", _("Faster Payments System")
    CASH = "cash", _("Cash at the box office")


class Booking(models.Model):
    """One purchase: the tickets a customer held together, paid together."""

    reference = models.CharField(_("reference"), max_length=16)
    user = models.ForeignKey(  # indexed by booking_user_created_idx
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="bookings",
        db_index=False,
    )
    session = models.ForeignKey(
        "scheduling.Session", verbose_name=_("session"), on_delete=models.PROTECT, related_name="bookings"
    )
    status = models.CharField(_("status"), max_length=16, choices=BookingStatus.choices, default=BookingStatus.RESERVED)
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="RUB")
    reserved_until = models.DateTimeField(_("held until"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    payment_method = models.CharField(_("payment method"), max_length=16, choices=PaymentMethod.choices, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=64, blank=True)
    promo_code = models.ForeignKey(
        "pricing.PromoCode",
        verbose_name=_("promo code"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bookings",
        db_index=False,  # booking_promo_user_idx
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["-created_at", "-id"]
        constraints = [
            # A constraint rather than unique=True: no second (LIKE) index to keep up.
            models.UniqueConstraint(fields=["reference"], name="booking_reference_unique"),
            models.CheckConstraint(condition=models.Q(total__gte=0), name="booking_total_gte_0"),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="booking_user_created_idx"),
            # Holds only (what expiry looks for): a paid booking leaves it.
            models.Index(
                fields=["reserved_until"], condition=models.Q(status="reserved"), name="booking_held_until_idx"
            ),
            # A customer's uses of a code (the per-customer limit), only bookings with one.
            models.Index(
                fields=["promo_code", "user"],
                condition=models.Q(promo_code__isnull=False),
                name="booking_promo_user_idx",
            ),
        ]

    def __str__(self):
        return self.reference


class TicketQuerySet(models.QuerySet):
    def live(self, now=None):
        """Tickets that occupy their seat now: sold, or held with time left.

        The one place the availability rule lives; seat map, hold and
        statistics all use it.
        """
        now = now or timezone.now()
        return self.filter(
            models.Q(status__in=SOLD_STATUSES) | models.Q(status=TicketStatus.RESERVED, reserved_until__gt=now)
        )

    def lapsed(self, now=None):
        return self.filter(status=TicketStatus.RESERVED, reserved_until__lte=now or timezone.now())

    def sold(self):
        return self.filter(status__in=SOLD_STATUSES)


class Ticket(models.Model):
    number = models.CharField(_("ticket number"), max_length=20)
    booking = models.ForeignKey(Booking, verbose_name=_("booking"), on_delete=models.PROTECT, related_name="tickets")
    user = models.ForeignKey(  # indexed by ticket_user_created_idx
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="tickets",
        db_index=False,
    )
    session = models.ForeignKey(  # indexed by ticket_session_status_idx
        "scheduling.Session",
        verbose_name=_("session"),
        on_delete=models.PROTECT,
        related_name="tickets",
        db_index=False,
    )
    row = models.PositiveSmallIntegerField(_("row"))
    seat = models.PositiveSmallIntegerField(_("seat"))
    category = models.CharField(_("seat category"), max_length=16, choices=SeatCategory.choices)
    # By code: the ticket shows it and statistics group by it with no join.
    ticket_type = models.ForeignKey(
        "pricing.TicketType",
        verbose_name=_("ticket type"),
        on_delete=models.PROTECT,
        to_field="code",
        null=True,  # adult (sessions without a price card, and tickets sold before ticket types)
        blank=True,
        related_name="+",
        db_index=False,  # read through the session's tickets
    )
    price = models.DecimalField(
        _("price"),
        max_digits=10,
        decimal_places=2,
        help_text=_("What the customer pays for this ticket: the card's price, less the discount, plus the fee."),
    )
    discount = models.DecimalField(_("discount"), max_digits=10, decimal_places=2, default=ZERO)
    fee = models.DecimalField(_("booking fee"), max_digits=10, decimal_places=2, default=ZERO)
    status = models.CharField(_("status"), max_length=16, choices=TicketStatus.choices, default=TicketStatus.RESERVED)
    reserved_until = models.DateTimeField(_("held until"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    payment_method = models.CharField(_("payment method"), max_length=16, choices=PaymentMethod.choices, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=64, blank=True)
    qr_secret = models.CharField(_("QR secret"), max_length=32, editable=False)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked in by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # ticket_checked_in_by_idx: only the tickets checked in
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    refund_amount = models.DecimalField(_("refund amount"), max_digits=10, decimal_places=2, null=True, blank=True)
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="ticket_number_unique"),  # as for Booking.reference
            # A seat of a session is held or sold at most once.
            models.UniqueConstraint(
                fields=["session", "row", "seat"],
                condition=models.Q(status__in=["reserved", "paid", "used"]),
                name="ticket_one_live_per_seat",
            ),
            models.CheckConstraint(condition=models.Q(price__gte=0), name="ticket_price_gte_0"),
            models.CheckConstraint(
                condition=models.Q(discount__gte=0, fee__gte=0, price__gte=models.F("fee")),
                name="ticket_discount_fee_within_price",
            ),
            models.CheckConstraint(
                condition=models.Q(refund_amount__isnull=True)
                | models.Q(refund_amount__gte=0, refund_amount__lte=models.F("price")),
                name="ticket_refund_within_price",
            ),
            models.CheckConstraint(condition=models.Q(row__gt=0, seat__gt=0), name="ticket_row_seat_gt_0"),
            models.CheckConstraint(
                condition=~models.Q(status="reserved") | models.Q(reserved_until__isnull=False),
                name="ticket_reserved_has_expiry",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["paid", "used", "refunded"]) | models.Q(paid_at__isnull=False),
                name="ticket_paid_has_paid_at",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="used") | models.Q(checked_in_at__isnull=False),
                name="ticket_used_has_checkin",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="refunded")
                | models.Q(refund_amount__isnull=False, refunded_at__isnull=False),
                name="ticket_refunded_has_amount",
            ),
        ]
        indexes = [
            models.Index(fields=["session", "status"], name="ticket_session_status_idx"),
            models.Index(fields=["user", "-created_at"], name="ticket_user_created_idx"),
            models.Index(
                fields=["reserved_until"], condition=models.Q(status="reserved"), name="ticket_held_until_idx"
            ),
            models.Index(fields=["paid_at"], name="ticket_paid_at_idx"),
            models.Index(
                fields=["checked_in_by"],
                condition=models.Q(checked_in_by__isnull=False),
                name="ticket_checked_in_by_idx",
            ),
        ]
        permissions = [("check_in", _("Can check tickets in at the door"))]

    def __str__(self):
        return self.number

    @property
    def ticket_type_code(self) -> str:
        """The ticket type's code; a ticket without one is adult."""
        return self.ticket_type_id or DEFAULT_TICKET_TYPE


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Pending (awaiting confirmation)")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    CANCELED = "canceled", _("Canceled")
    REFUNDED = "refunded", _("Refunded")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")


# Money has reached us (and may have gone back, in part or in full).
CHARGED_STATUSES = (PaymentStatus.SUCCEEDED, PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED)


class Payment(models.Model):
    """A charge of one booking at the payment provider.

    Recorded ``pending`` before the provider is called (with the client's
    idempotency key, unique per user, and a fingerprint of the request), given
    the provider's id and confirmation URL after it answers, and settled by the
    provider's webhook (or by reconciliation). A booking has at most one
    pending payment, held by the database: two requests cannot both reach the
    provider.
    """

    booking = models.ForeignKey(Booking, verbose_name=_("booking"), on_delete=models.PROTECT, related_name="payments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="payments"
    )
    status = models.CharField(_("status"), max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.PENDING)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    refunded_amount = models.DecimalField(_("refunded amount"), max_digits=12, decimal_places=2, default=Decimal("0"))
    currency = models.CharField(_("currency"), max_length=3, default="RUB")
    method = models.CharField(_("method"), max_length=16, choices=PaymentMethod.choices, blank=True)
    provider = models.CharField(_("provider"), max_length=32)
    provider_reference = models.CharField(_("provider payment id"), max_length=64, blank=True)
    confirmation_url = models.CharField(_("confirmation URL"), max_length=1000, blank=True)
    return_url = models.CharField(_("return URL"), max_length=1000, blank=True)
    expires_at = models.DateTimeField(_("confirm before"), null=True, blank=True)
    failure_reason = models.CharField(_("failure reason"), max_length=255, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=255, null=True, blank=True)
    request_fingerprint = models.CharField(_("request fingerprint"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="payment_idempotency_key_unique_per_user",
            ),
            models.UniqueConstraint(
                fields=["booking"], condition=models.Q(status="pending"), name="payment_one_pending_per_booking"
            ),
            models.UniqueConstraint(
                fields=["provider", "provider_reference"],
                condition=~models.Q(provider_reference=""),
                name="payment_provider_reference_unique",
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="payment_amount_gte_0"),
            models.CheckConstraint(
                condition=models.Q(refunded_amount__gte=0, refunded_amount__lte=models.F("amount")),
                name="payment_refunded_within_amount",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["succeeded", "refunded", "partially_refunded"])
                | models.Q(paid_at__isnull=False),
                name="payment_charged_has_paid_at",
            ),
        ]
        indexes = [
            # What reconciliation looks for: pending payments, oldest first.
            models.Index(fields=["created_at"], condition=models.Q(status="pending"), name="payment_pending_idx"),
        ]

    def __str__(self):
        return f"{self.amount} {self.currency} ({self.status})"


class RefundStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class RefundReason(models.TextChoices):
    CUSTOMER = "customer", _("Cancelled by the customer")
    ADMIN = "admin", _("Refunded by staff")
    SESSION_CANCELLED = "session_cancelled", _("Session cancelled")
    LATE_PAYMENT = "late_payment", _("Paid after the seats were sold to someone else")


class Refund(models.Model):
    """Money to send back through the provider: recorded ``pending`` in the
    transaction that releases the seats, executed by a job (with its own
    idempotency key, so a retry never refunds twice), retried with backoff.
    ``attempts`` and ``last_error`` show managers a refund that keeps failing."""

    payment = models.ForeignKey(Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="refunds")
    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="refunds",
        help_text=_("Empty when the whole payment is returned."),
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="RUB")
    reason = models.CharField(_("reason"), max_length=20, choices=RefundReason.choices)
    status = models.CharField(_("status"), max_length=12, choices=RefundStatus.choices, default=RefundStatus.PENDING)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64)
    provider_reference = models.CharField(_("provider refund id"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    succeeded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["idempotency_key"], name="refund_idempotency_key_unique"),
            # A ticket is refunded once (a failed refund is retried, not recorded again).
            models.UniqueConstraint(
                fields=["ticket"], condition=models.Q(ticket__isnull=False), name="refund_one_per_ticket"
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="refund_amount_gt_0"),
        ]
        indexes = [
            models.Index(fields=["status", "updated_at"], name="refund_status_idx"),
        ]
        permissions = [("retry_refund", _("Can retry a failed refund"))]

    def __str__(self):
        return f"{self.amount} {self.currency} ({self.status})"


class ProcessedWebhookEvent(models.Model):
    """A provider's notification already acted on: the same event again is a no-op."""

    provider = models.CharField(_("provider"), max_length=32)
    event_id = models.CharField(_("event id"), max_length=128)
    event_type = models.CharField(_("event type"), max_length=64)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("processed webhook event")
        verbose_name_plural = _("processed webhook events")
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="webhook_event_once"),
        ]

    def __str__(self):
        return f"{self.provider}:{self.event_id}"
