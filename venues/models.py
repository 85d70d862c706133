import zoneinfo
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cinema.translit import city_in_english, transliterate

TIME_ZONE_CHOICES = sorted((tz, tz) for tz in zoneinfo.available_timezones() if "/" in tz and not tz.startswith("Etc/"))


class Cinema(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    name_en = models.CharField(
        _("name in English"), max_length=200, blank=True, help_text=_("Empty: the name transliterated.")
    )
    address = models.CharField(_("address"), max_length=300)
    city = models.CharField(_("city"), max_length=100)
    city_en = models.CharField(
        _("city in English"), max_length=100, blank=True, help_text=_("Empty: the city's usual English name.")
    )
    postal_code = models.CharField(_("postal code"), max_length=12, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    timezone = models.CharField(_("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, default="Europe/Moscow")
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    opening_time = models.TimeField(_("opens at"), null=True, blank=True)
    closing_time = models.TimeField(_("closes at"), null=True, blank=True)
    has_parking = models.BooleanField(_("parking"), default=False)
    has_cafe = models.BooleanField(_("café"), default=False)
    has_wheelchair_access = models.BooleanField(_("wheelchair access"), default=False)
    has_kids_room = models.BooleanField(_("kids' room"), default=False)
    has_vip_lounge = models.BooleanField(_("VIP lounge"), default=False)
    booking_fee = models.DecimalField(
        _("booking fee per ticket"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("0.00"),
        help_text=_("Added to every ticket bought online; shown separately. 0: no fee."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    AMENITY_FIELDS = {
        "parking": "has_parking",
        "cafe": "has_cafe",
        "wheelchair_access": "has_wheelchair_access",
        "kids_room": "has_kids_room",
        "vip_lounge": "has_vip_lounge",
    }

    class Meta:
        verbose_name = _("cinema")
        verbose_name_plural = _("cinemas")
        ordering = ["city", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90), name="cinema_latitude_range"
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__gte=-180, longitude__lte=180), name="cinema_longitude_range"
            ),
            models.CheckConstraint(condition=models.Q(booking_fee__gte=0), name="cinema_booking_fee_gte_0"),
        ]
        indexes = [
            models.Index(fields=["city", "name"], name="cinema_city_name_idx"),
            models.Index(fields=["latitude", "longitude"], name="cinema_geo_idx"),
            models.Index(fields=["is_active"], name="cinema_active_idx"),
        ]

    def __str__(self):
        return f"{self.name} ({self.city})"

    def name_for(self, language: str) -> str:
        if language.startswith("en"):
            return self.name_en or transliterate(self.name)
        return self.name

    def city_for(self, language: str) -> str:
        if language.startswith("en"):
            return self.city_en or city_in_english(self.city)
        return self.city

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def amenities(self) -> list[str]:
        return [name for name, field in self.AMENITY_FIELDS.items() if getattr(self, field)]


def cities_matching(name: str) -> list[str]:
    """The stored spellings of a city, matched case-insensitively in any script
    (SQLite's LIKE folds only ASCII, so Cyrillic cannot be left to the database)."""
    wanted = name.strip().casefold()
    return [c for c in Cinema.objects.values_list("city", flat=True).distinct() if c.casefold() == wanted]


class HallType(models.TextChoices):
    STANDARD = "standard", _("Standard")
    VIP = "vip", _("VIP")
    IMAX = "imax", _("IMAX")
    FOUR_DX = "4dx", _("4DX")
    DOLBY_ATMOS = "dolby_atmos", _("Dolby Atmos")


class SeatCategory(models.TextChoices):
    STANDARD = "standard", _("Standard")
    PREMIUM = "premium", _("Premium")
    VIP = "vip", _("VIP")
    LOVE = "love", _("Love seat")
    WHEELCHAIR = "wheelchair", _("Wheelchair space")


class Hall(models.Model):
    """A screening room. ``layout`` is the seat map (see ``venues.layout``);
    the counts beside it are derived from it by ``venues.services`` and never
    edited by hand."""

    # What a manager edits (the admin form and the API); the counts are derived.
    EDITABLE_FIELDS = (
        "number",
        "name",
        "hall_type",
        "layout",
        "screen_type",
        "screen_width_m",
        "sound_system",
        "supports_3d",
        "is_accessible",
        "cleaning_minutes",
        "is_active",
    )

    cinema = models.ForeignKey(Cinema, verbose_name=_("cinema"), on_delete=models.PROTECT, related_name="halls")
    name = models.CharField(_("name"), max_length=100)
    number = models.PositiveSmallIntegerField(_("hall number"))
    hall_type = models.CharField(_("hall type"), max_length=16, choices=HallType.choices, default=HallType.STANDARD)
    layout = models.JSONField(_("layout"))
    rows_count = models.PositiveSmallIntegerField(_("rows"), editable=False)
    seats_per_row = models.PositiveSmallIntegerField(_("seats per row (widest)"), editable=False)
    capacity = models.PositiveIntegerField(_("capacity (sellable seats)"), editable=False)
    standard_seats = models.PositiveIntegerField(_("standard seats"), default=0, editable=False)
    premium_seats = models.PositiveIntegerField(_("premium seats"), default=0, editable=False)
    vip_seats = models.PositiveIntegerField(_("VIP seats"), default=0, editable=False)
    love_seats = models.PositiveIntegerField(_("love seats"), default=0, editable=False)
    wheelchair_spaces = models.PositiveIntegerField(_("wheelchair spaces"), default=0, editable=False)
    blocked_seats = models.PositiveIntegerField(_("blocked seats"), default=0, editable=False)
    screen_type = models.CharField(_("screen"), max_length=100, blank=True)
    screen_width_m = models.DecimalField(
        _("screen width, m"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    sound_system = models.CharField(_("sound system"), max_length=100, blank=True)
    supports_3d = models.BooleanField(_("3D"), default=False)
    is_accessible = models.BooleanField(_("step-free access"), default=False)
    cleaning_minutes = models.PositiveSmallIntegerField(
        _("cleaning time, min"), default=15, validators=[MaxValueValidator(240)]
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("hall")
        verbose_name_plural = _("halls")
        ordering = ["cinema_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["cinema", "number"], name="hall_number_unique_per_cinema"),
            models.CheckConstraint(condition=models.Q(rows_count__gt=0), name="hall_rows_gt_0"),
            models.CheckConstraint(condition=models.Q(seats_per_row__gt=0), name="hall_seats_per_row_gt_0"),
            models.CheckConstraint(condition=models.Q(capacity__gt=0), name="hall_capacity_gt_0"),
            models.CheckConstraint(
                condition=models.Q(
                    capacity=models.F("standard_seats")
                    + models.F("premium_seats")
                    + models.F("vip_seats")
                    + models.F("love_seats")
                    + models.F("wheelchair_spaces")
                ),
                name="hall_capacity_is_sum_of_categories",
            ),
        ]
        indexes = [models.Index(fields=["hall_type"], name="hall_type_idx")]

    def __str__(self):
        return f"{self.cinema.name} — {self.name}"

    @property
    def cinema_tz(self) -> zoneinfo.ZoneInfo:
        return self.cinema.tz
