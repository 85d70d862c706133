"""Writes about films."""

from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO

from django.core.files.base import ContentFile
from django.utils.text import slugify
from PIL import Image, ImageOps

from catalog.models import Movie
from cinema.translit import TRANSLIT  # noqa: F401  (seed_demo reads it here)


def unique_slug(model, text: str, *, exclude_pk=None, max_length: int = 200) -> str:
    """A URL slug for ``text`` (Cyrillic transliterated), made unique in ``model``."""
    base = slugify(text.lower().translate(TRANSLIT))[: max_length - 8] or "item"
    slug, n = base, 1
    qs = model.objects.all()
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    while qs.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def movie_set_rating(*, movie_id: int, total: int, count: int) -> None:
    """Store the average of approved reviews (sum ``total`` over ``count``)."""
    average = (Decimal(total) / count).quantize(Decimal("0.01"), ROUND_HALF_UP) if count else Decimal("0")
    Movie.objects.filter(pk=movie_id).update(rating_average=average, rating_count=count)


# The poster's copies: the listing's grid and the film page (2:3, twice the CSS size for dense screens).
POSTER_SIZES = {"poster_small": (240, 360), "poster_medium": (480, 720)}


def movie_poster_thumbnails(*, movie: Movie) -> Movie:
    """Make (or remove) the grid and page copies of the film's uploaded poster.

    Called after the poster changes (the admin, the demo data); the copies are
    JPEGs cropped to 2:3 so every card in the grid has the same shape."""
    for field in POSTER_SIZES:
        old = getattr(movie, field)
        if old:
            old.delete(save=False)
    if movie.poster:
        with movie.poster.open("rb") as source, Image.open(source) as image:
            image = ImageOps.exif_transpose(image).convert("RGB")
            for field, size in POSTER_SIZES.items():
                copy = ImageOps.fit(image, size, Image.Resampling.LANCZOS)
                buffer = BytesIO()
                copy.save(buffer, "JPEG", quality=82, optimize=True, progressive=True)
                getattr(movie, field).save(f"{movie.slug}.jpg", ContentFile(buffer.getvalue()), save=False)
    Movie.objects.filter(pk=movie.pk).update(**{field: getattr(movie, field).name or "" for field in POSTER_SIZES})
    return movie
