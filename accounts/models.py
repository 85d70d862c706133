from decimal import Decimal

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.identity import canonical_email, validate_registrable_email


class Role(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    MODERATOR = "moderator", _("Moderator")
    MANAGER = "manager", _("Manager")
    ADMIN = "admin", _("Administrator")


class Language(models.TextChoices):
    EN = "en", _("English")
    RU = "ru", _("Russian")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, email):
        return self.get(email=canonical_email(email))

    def create_user(self, email, password=None, **fields):
        """Low-level constructor; product code goes through ``accounts.services``."""
        if not email:
            raise ValueError("An e-mail address is required.")
        validate_registrable_email(email)
        user = self.model(email=canonical_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.update(role=Role.ADMIN, is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


def validate_not_in_future(value) -> None:
    if value > timezone.localdate():
        raise ValidationError(gettext("This date is in the future."), code="future_date")


class User(AbstractBaseUser, PermissionsMixin):
    """A person who uses the platform: a customer, or staff with a role."""

    # What people may edit about themselves (the admin's "Person" group and the profile API).
    PERSONAL_FIELDS = (
        "first_name",
        "last_name",
        "phone",
        "date_of_birth",
        "avatar_url",
        "city",
        "address",
        "postal_code",
    )
    PREFERENCE_FIELDS = ("preferred_language", "preferred_cinema", "marketing_opt_in")

    # Stored canonical (accounts.identity), unique exactly as stored.
    email = models.EmailField(_("e-mail"), max_length=254, validators=[validate_registrable_email])
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True, validators=[validate_not_in_future])
    avatar_url = models.URLField(_("avatar URL"), max_length=500, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.CUSTOMER)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff"), default=False)
    email_verified = models.BooleanField(_("e-mail verified"), default=False)
    city = models.CharField(_("city"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=12, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=Language.choices, default=Language.RU
    )
    preferred_cinema = models.ForeignKey(
        "venues.Cinema",
        verbose_name=_("preferred cinema"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    marketing_opt_in = models.BooleanField(_("marketing e-mails"), default=False)
    bonus_points = models.PositiveIntegerField(_("bonus points"), default=0)
    total_spent = models.DecimalField(_("total spent"), max_digits=12, decimal_places=2, default=Decimal("0"))
    tickets_purchased = models.PositiveIntegerField(_("tickets purchased"), default=0)
    reviews_written = models.PositiveIntegerField(_("reviews written"), default=0)
    last_login_ip = models.GenericIPAddressField(_("last login IP"), null=True, blank=True)
    # Whole seconds, as a token's ``iat``: tokens issued before it are refused.
    password_changed_at = models.DateTimeField(_("password changed"), null=True, blank=True, editable=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(fields=["email"], name="user_email_unique"),
            models.CheckConstraint(condition=models.Q(email=Lower("email")), name="user_email_lowercase"),
            models.CheckConstraint(condition=models.Q(total_spent__gte=0), name="user_total_spent_gte_0"),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="user_role_valid"),
        ]
        indexes = [
            models.Index(fields=["role"], name="user_role_idx"),
            models.Index(fields=["date_joined"], name="user_joined_idx"),
        ]

    def __str__(self):
        return self.email

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip() or self.email

    def get_short_name(self):
        return self.first_name or self.email

    @property
    def is_manager(self) -> bool:
        return self.role in (Role.MANAGER, Role.ADMIN)

    @property
    def is_moderator(self) -> bool:
        return self.role in (Role.MODERATOR, Role.ADMIN)
