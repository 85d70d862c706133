from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from venues.models import SeatCategory


class SessionFormat(models.TextChoices):
    TWO_D = "2d", "2D"
    THREE_D = "3d", "3D"
    IMAX = "imax", "IMAX"
    IMAX_3D = "imax_3d", "IMAX 3D"
    FOUR_DX = "4dx", "4DX"


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    ON_SALE = "on_sale", _("On sale")
    SOLD_OUT = "sold_out", _("Sold out")
    CANCELLED = "cancelled", _("Cancelled")
    FINISHED = "finished", _("Finished")


class Currency(models.TextChoices):
    RUB = "RUB", _("Russian rouble")


class SessionQuerySet(models.QuerySet):
    def upcoming(self, now=None):
        return self.filter(starts_at__gt=now or timezone.now()).exclude(status=SessionStatus.CANCELLED)

    def with_related(self):
        return self.select_related("movie", "hall", "hall__cinema")


class Session(models.Model):
    """One showing of a movie in a hall.

    ``ends_at`` is when the film ends (adverts + duration); ``busy_until`` adds
    the hall's cleaning time. Two non-cancelled sessions of one hall never
    overlap on [starts_at, busy_until): an exclusion constraint on PostgreSQL
    (migration 0002) and ``scheduling.services`` everywhere.
    """

    movie = models.ForeignKey(
        "catalog.Movie", verbose_name=_("movie"), on_delete=models.PROTECT, related_name="sessions"
    )
    hall = models.ForeignKey("venues.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("film ends at"))
    busy_until = models.DateTimeField(_("hall busy until"), help_text=_("End of the film plus cleaning time."))
    base_price = models.DecimalField(_("standard seat price"), max_digits=10, decimal_places=2)
    premium_price = models.DecimalField(_("premium seat price"), max_digits=10, decimal_places=2)
    vip_price = models.DecimalField(_("VIP seat price"), max_digits=10, decimal_places=2)
    love_price = models.DecimalField(_("love seat price"), max_digits=10, decimal_places=2)
    wheelchair_price = models.DecimalField(_("wheelchair space price"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.RUB)
    format = models.CharField(_("format"), max_length=8, choices=SessionFormat.choices, default=SessionFormat.TWO_D)
    audio_language = models.CharField(_("audio language"), max_length=8, default="ru")
    subtitles_language = models.CharField(_("subtitles"), max_length=8, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=SessionStatus.choices, default=SessionStatus.ON_SALE)
    capacity = models.PositiveIntegerField(_("sellable seats"), editable=False)
    seats_sold = models.PositiveIntegerField(_("seats sold"), default=0, editable=False)
    seats_available = models.PositiveIntegerField(
        _("seats available"), editable=False, help_text=_("Sellable seats not sold (held seats count as available).")
    )
    is_premiere = models.BooleanField(_("premiere"), default=False)
    sales_open_at = models.DateTimeField(_("sales open at"), null=True, blank=True)
    sales_close_at = models.DateTimeField(
        _("sales close at"),
        null=True,
        blank=True,
        help_text=_("Empty: SALES_CUTOFF_MINUTES before the start."),
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True, editable=False)
    cancel_reason = models.CharField(_("cancellation reason"), max_length=255, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SessionQuerySet.as_manager()

    # Held by migration 0002 on PostgreSQL (Django's Meta cannot express it portably).
    DATABASE_ONLY_CONSTRAINTS = (
        (
            "session_no_overlap_in_hall",
            "exclusion (PostgreSQL)",
            "EXCLUDE USING gist (hall_id WITH =, tstzrange(starts_at, busy_until) WITH &&) WHERE status <> 'cancelled'",
        ),
    )

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(busy_until__gte=models.F("ends_at")), name="session_busy_until_after_end"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    base_price__gte=0,
                    premium_price__gte=0,
                    vip_price__gte=0,
                    love_price__gte=0,
                    wheelchair_price__gte=0,
                ),
                name="session_prices_gte_0",
            ),
            models.CheckConstraint(
                condition=models.Q(seats_available=models.F("capacity") - models.F("seats_sold")),
                name="session_seats_available_exact",
            ),
            models.CheckConstraint(
                condition=models.Q(sales_open_at__isnull=True)
                | models.Q(sales_close_at__isnull=True)
                | models.Q(sales_close_at__gt=models.F("sales_open_at")),
                name="session_sales_window_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(sales_close_at__isnull=True) | models.Q(sales_close_at__lte=models.F("ends_at")),
                name="session_sales_close_before_end",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="cancelled") | models.Q(cancelled_at__isnull=False),
                name="session_cancelled_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["starts_at"], name="session_starts_idx"),
            models.Index(fields=["hall", "starts_at"], name="session_hall_starts_idx"),
            models.Index(fields=["movie", "starts_at"], name="session_movie_starts_idx"),
            models.Index(fields=["status", "starts_at"], name="session_status_starts_idx"),
            models.Index(fields=["format"], name="session_format_idx"),
            models.Index(fields=["base_price"], name="session_price_idx"),
        ]
        permissions = [("cancel_session", _("Can cancel a session and refund its tickets"))]

    def __str__(self):
        # In the cinema's own time, as its form and the board show it.
        return f"{self.movie} — {self.hall} — {self.local_starts_at:%Y-%m-%d %H:%M}"

    @property
    def local_starts_at(self):
        return timezone.localtime(self.starts_at, self.hall.cinema_tz)

    def price_for(self, category: str) -> Decimal:
        return {
            SeatCategory.STANDARD: self.base_price,
            SeatCategory.PREMIUM: self.premium_price,
            SeatCategory.VIP: self.vip_price,
            SeatCategory.LOVE: self.love_price,
            SeatCategory.WHEELCHAIR: self.wheelchair_price,
        }[category]

    @property
    def prices(self) -> dict[str, Decimal]:
        return {category: self.price_for(category) for category in SeatCategory.values}

    @property
    def price_texts(self) -> dict[str, str]:
        """Prices as the API shows money: decimal strings with two places."""
        return {category: f"{price:.2f}" for category, price in self.prices.items()}

    def effective_sales_close(self):
        if self.sales_close_at:
            return self.sales_close_at
        return self.starts_at - timedelta(minutes=settings.SALES_CUTOFF_MINUTES)
