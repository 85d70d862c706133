"""Ticket types, price cards and promo codes.

Sits between the venues/catalog layer and scheduling: a session points at its
price card; a ticket records its type and the money it cost at hold time, so
changing a card or a code later never changes a ticket already held or sold.
"""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Upper
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from venues.models import SeatCategory

DEFAULT_TICKET_TYPE = "adult"

WEEKDAYS = [
    (1, _("Monday")),
    (2, _("Tuesday")),
    (3, _("Wednesday")),
    (4, _("Thursday")),
    (5, _("Friday")),
    (6, _("Saturday")),
    (7, _("Sunday")),
]


class TicketType(models.Model):
    """Who the ticket is for: adult, child, student, senior…"""

    code = models.SlugField(_("code"), max_length=32, unique=True, help_text=_("Tickets record it: never changed."))
    name = models.CharField(_("name (English)"), max_length=100)
    name_ru = models.CharField(_("name (Russian)"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    check_id = models.BooleanField(
        _("check ID at the door"), default=False, help_text=_("The door staff must see a document (age, student card).")
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("ticket type")
        verbose_name_plural = _("ticket types")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the active language (Russian or English)."""
        if (translation.get_language() or "").startswith("ru") and self.name_ru:
            return self.name_ru
        return self.name


class PriceCard(models.Model):
    """Prices per ticket type × seat category, for sessions of some formats,
    on some weekdays, starting within a band of local time."""

    name = models.CharField(_("name"), max_length=100)
    weekdays = models.JSONField(
        _("weekdays"), default=list, blank=True, help_text=_("ISO weekdays 1 (Monday) … 7 (Sunday); empty: every day.")
    )
    time_from = models.TimeField(_("starting from (local time)"), null=True, blank=True)
    time_to = models.TimeField(
        _("starting before (local time)"),
        null=True,
        blank=True,
        help_text=_("Exclusive. Earlier than “from” means the band runs past midnight. Empty: any time."),
    )
    formats = models.JSONField(_("formats"), default=list, blank=True, help_text=_("Empty: every format."))
    cinemas = models.ManyToManyField(
        "venues.Cinema",
        verbose_name=_("cinemas"),
        blank=True,
        related_name="+",
        help_text=_("Empty: every cinema."),
    )
    priority = models.SmallIntegerField(
        _("priority"), default=0, help_text=_("When several cards match a session, the highest priority is offered.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("price card")
        verbose_name_plural = _("price cards")
        ordering = ["-priority", "name", "id"]

    def __str__(self):
        return self.name

    def matches(self, *, format: str, starts_at_local, cinema_id: int | None = None, cinema_ids=None) -> bool:
        """Whether a session of ``format`` starting at ``starts_at_local`` (the
        cinema's local time) may use this card. ``cinema_ids``: the card's
        cinemas, when the caller has them at hand."""
        if not self.is_active:
            return False
        if self.formats and format not in self.formats:
            return False
        if self.weekdays and starts_at_local.isoweekday() not in self.weekdays:
            return False
        if cinema_id is not None:
            ids = cinema_ids if cinema_ids is not None else {c.pk for c in self.cinemas.all()}
            if ids and cinema_id not in ids:
                return False
        return self.covers_time(starts_at_local.time())

    def covers_time(self, at) -> bool:
        start, end = self.time_from, self.time_to
        if start is None and end is None:
            return True
        if start is None:
            return at < end
        if end is None:
            return at >= start
        if start <= end:
            return start <= at < end
        return at >= start or at < end  # past midnight


class PriceCardPrice(models.Model):
    card = models.ForeignKey(PriceCard, verbose_name=_("price card"), on_delete=models.CASCADE, related_name="prices")
    ticket_type = models.ForeignKey(
        TicketType, verbose_name=_("ticket type"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("seat category"), max_length=16, choices=SeatCategory.choices)
    price = models.DecimalField(_("price"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("price")
        verbose_name_plural = _("prices")
        ordering = ["card", "ticket_type__sort_order", "category"]
        constraints = [
            models.UniqueConstraint(fields=["card", "ticket_type", "category"], name="price_card_price_unique"),
            models.CheckConstraint(condition=models.Q(price__gte=0), name="price_card_price_gte_0"),
        ]

    def __str__(self):
        return f"{self.ticket_type} / {self.get_category_display()}: {self.price}"


class DiscountKind(models.TextChoices):
    PERCENT = "percent", _("Percent off")
    AMOUNT = "amount", _("Fixed amount off each ticket")


class PromoCode(models.Model):
    """A discount a customer types at the hold.

    ``uses`` counts the bookings holding or having paid with the code; it only
    ever moves by conditional ``UPDATE``s (``pricing.services``), and the
    database keeps it within ``max_uses``.
    """

    code = models.CharField(_("code"), max_length=32, help_text=_("Case-insensitive."))
    description = models.CharField(_("description"), max_length=200, blank=True)
    kind = models.CharField(_("discount"), max_length=8, choices=DiscountKind.choices, default=DiscountKind.PERCENT)
    value = models.DecimalField(
        _("value"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Percent (1–100) or roubles off each ticket."),
    )
    valid_from = models.DateTimeField(_("valid from"), null=True, blank=True)
    valid_to = models.DateTimeField(_("valid until"), null=True, blank=True)
    max_uses = models.PositiveIntegerField(_("uses in total"), null=True, blank=True, help_text=_("Empty: unlimited."))
    max_uses_per_customer = models.PositiveIntegerField(
        _("uses per customer"), null=True, blank=True, help_text=_("Empty: unlimited.")
    )
    uses = models.PositiveIntegerField(_("used"), default=0, editable=False)
    min_tickets = models.PositiveSmallIntegerField(_("minimum tickets"), default=1)
    movies = models.ManyToManyField(
        "catalog.Movie", verbose_name=_("films"), blank=True, related_name="+", help_text=_("Empty: every film.")
    )
    cinemas = models.ManyToManyField(
        "venues.Cinema", verbose_name=_("cinemas"), blank=True, related_name="+", help_text=_("Empty: every cinema.")
    )
    ticket_types = models.ManyToManyField(
        TicketType,
        verbose_name=_("ticket types"),
        blank=True,
        related_name="+",
        help_text=_("Empty: every ticket type. Others in the same booking pay full price."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("promo code")
        verbose_name_plural = _("promo codes")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(Upper("code"), name="promo_code_unique_ci"),
            models.CheckConstraint(
                condition=models.Q(max_uses__isnull=True) | models.Q(uses__lte=models.F("max_uses")),
                name="promo_code_uses_within_max",
            ),
            models.CheckConstraint(condition=models.Q(value__gt=0), name="promo_code_value_gt_0"),
            models.CheckConstraint(
                condition=~models.Q(kind="percent") | models.Q(value__lte=100), name="promo_code_percent_lte_100"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_from__isnull=True)
                | models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gt=models.F("valid_from")),
                name="promo_code_validity_ordered",
            ),
        ]

    def __str__(self):
        return self.code

    def discount_on(self, price: Decimal) -> Decimal:
        """The discount on one ticket of ``price``: never more than the price."""
        if self.kind == DiscountKind.PERCENT:
            off = (price * self.value / 100).quantize(Decimal("0.01"))
        else:
            off = self.value
        return min(off, price)
