from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AgeRating(models.TextChoices):
    """The Russian age classification of films."""

    ZERO = "0+", "0+"
    SIX = "6+", "6+"
    TWELVE = "12+", "12+"
    SIXTEEN = "16+", "16+"
    EIGHTEEN = "18+", "18+"


class Genre(models.Model):
    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_ru = models.CharField(_("name (Russian)"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("genre")
        verbose_name_plural = _("genres")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def name_for(self, language: str) -> str:
        return self.name_ru if language.startswith("ru") and self.name_ru else self.name


class MovieQuerySet(models.QuerySet):
    def now_showing(self, today=None):
        today = today or timezone.localdate()
        return self.filter(release_date__lte=today).filter(
            models.Q(end_date__isnull=True) | models.Q(end_date__gte=today)
        )

    def coming_soon(self, today=None):
        return self.filter(release_date__gt=today or timezone.localdate())


class Movie(models.Model):
    title = models.CharField(_("title"), max_length=255)
    original_title = models.CharField(_("original title"), max_length=255, blank=True)
    slug = models.SlugField(_("slug"), max_length=255, unique=True)
    description = models.TextField(_("description"), blank=True)
    synopsis = models.CharField(_("short synopsis"), max_length=500, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration, min"), validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    release_date = models.DateField(_("release date"))
    end_date = models.DateField(_("end of run"), null=True, blank=True)
    genres = models.ManyToManyField(Genre, verbose_name=_("genres"), related_name="movies", blank=True)
    director = models.CharField(_("director"), max_length=255, blank=True)
    producer = models.CharField(_("producer"), max_length=255, blank=True)
    writer = models.CharField(_("writer"), max_length=255, blank=True)
    cast = models.TextField(_("cast"), blank=True, help_text=_("Comma-separated, leading roles first."))
    country = models.CharField(_("country"), max_length=100, blank=True)
    original_language = models.CharField(_("original language"), max_length=8, default="ru")
    age_rating = models.CharField(_("age rating"), max_length=3, choices=AgeRating.choices, default=AgeRating.TWELVE)
    poster_url = models.URLField(_("poster URL"), max_length=500, blank=True)
    poster = models.ImageField(
        _("poster"),
        upload_to="posters/",
        blank=True,
        help_text=_("Portrait, 2:3. The listing and the film page show copies made from it."),
    )
    # Made from ``poster`` by catalog.services.movie_poster_thumbnails: the grid's and the page's sizes.
    poster_small = models.ImageField(_("poster, grid size"), upload_to="posters/small/", blank=True, editable=False)
    poster_medium = models.ImageField(_("poster, page size"), upload_to="posters/medium/", blank=True, editable=False)
    backdrop_url = models.URLField(_("backdrop URL"), max_length=500, blank=True)
    trailer_url = models.URLField(_("trailer URL"), max_length=500, blank=True)
    rating_average = models.DecimalField(
        _("average rating"), max_digits=4, decimal_places=2, default=Decimal("0"), editable=False
    )
    rating_count = models.PositiveIntegerField(_("approved reviews"), default=0, editable=False)
    imdb_id = models.CharField(_("IMDb id"), max_length=16, blank=True)
    imdb_rating = models.DecimalField(_("IMDb rating"), max_digits=3, decimal_places=1, null=True, blank=True)
    kinopoisk_id = models.PositiveIntegerField(_("Kinopoisk id"), null=True, blank=True)
    kinopoisk_rating = models.DecimalField(_("Kinopoisk rating"), max_digits=3, decimal_places=1, null=True, blank=True)
    budget = models.DecimalField(_("budget, USD"), max_digits=14, decimal_places=2, null=True, blank=True)
    box_office = models.DecimalField(_("box office, USD"), max_digits=14, decimal_places=2, null=True, blank=True)
    awards = models.TextField(_("awards"), blank=True)
    tags = models.CharField(_("tags"), max_length=255, blank=True, help_text=_("Comma-separated."))
    search_text = models.TextField(_("search text"), blank=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    is_featured = models.BooleanField(_("featured"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = MovieQuerySet.as_manager()

    class Meta:
        verbose_name = _("movie")
        verbose_name_plural = _("movies")
        ordering = ["-release_date", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(duration_minutes__gt=0), name="movie_duration_gt_0"),
            models.CheckConstraint(
                condition=models.Q(rating_average__gte=0, rating_average__lte=10), name="movie_rating_average_0_10"
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("release_date")),
                name="movie_end_after_release",
            ),
            models.CheckConstraint(
                condition=models.Q(imdb_rating__isnull=True) | models.Q(imdb_rating__gte=0, imdb_rating__lte=10),
                name="movie_imdb_rating_0_10",
            ),
            models.CheckConstraint(
                condition=models.Q(kinopoisk_rating__isnull=True)
                | models.Q(kinopoisk_rating__gte=0, kinopoisk_rating__lte=10),
                name="movie_kinopoisk_rating_0_10",
            ),
            models.CheckConstraint(
                condition=(models.Q(budget__isnull=True) | models.Q(budget__gte=0))
                & (models.Q(box_office__isnull=True) | models.Q(box_office__gte=0)),
                name="movie_money_gte_0",
            ),
        ]
        indexes = [
            models.Index(fields=["release_date"], name="movie_release_idx"),
            models.Index(fields=["is_active", "release_date", "end_date"], name="movie_active_run_idx"),
            models.Index(fields=["age_rating"], name="movie_age_rating_idx"),
            models.Index(fields=["original_language"], name="movie_language_idx"),
            models.Index(fields=["title"], name="movie_title_idx"),
            models.Index(fields=["-rating_average"], name="movie_rating_idx"),
        ]

    def __str__(self):
        return self.title

    def title_for(self, language: str) -> str:
        """The title the pages show in ``language``: English pages show the original title when there is one."""
        if language.startswith("en") and self.original_title:
            return self.original_title
        return self.title

    def poster_image_url(self) -> str:
        """The uploaded poster's URL, else the stored external URL ("" when neither)."""
        return self.poster.url if self.poster else self.poster_url

    def save(self, *args, **kwargs):
        # A case-folded copy of the searchable fields: SQLite's LIKE folds
        # only ASCII, so Cyrillic search needs it; PostgreSQL uses it too.
        self.search_text = " ".join(
            part.casefold() for part in (self.title, self.original_title, self.director, self.cast) if part
        )
        super().save(*args, **kwargs)
