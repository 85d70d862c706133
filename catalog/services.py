"""Writes about films."""

import warnings
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from io import BytesIO
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from catalog.models import Movie
from cinema.errors import ValidationFailed
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
# What an uploaded poster may be: decoded by Pillow as one of these, no larger than this.
POSTER_FORMATS = {"JPEG": "jpg jpeg", "PNG": "png", "WEBP": "webp"}
POSTER_MAX_BYTES = 10 * 1024 * 1024
POSTER_MAX_PIXELS = 40_000_000


def poster_check(upload) -> None:
    """Refuse an uploaded poster the copies could not be made from.

    Decodes the whole image (a truncated JPEG or an EPS passes Django's header
    check but not this), and refuses other formats, more than ``POSTER_MAX_BYTES``
    and more than ``POSTER_MAX_PIXELS``. Pillow's decompression-bomb limit stays on."""

    def refuse(message):
        return ValidationFailed(message, fields={"poster": [message]})

    wrong_kind = _("Upload a JPEG, PNG or WebP image.")
    too_large = _("The poster is larger than %(pixels)d megapixels.") % {"pixels": POSTER_MAX_PIXELS // 1_000_000}
    if upload.size > POSTER_MAX_BYTES:
        raise refuse(_("The poster is larger than %(size)d MB.") % {"size": POSTER_MAX_BYTES // (1024 * 1024)})
    if Path(upload.name or "").suffix.lower().lstrip(".") not in " ".join(POSTER_FORMATS.values()).split():
        raise refuse(wrong_kind)
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=list(POSTER_FORMATS)) as image:
                width, height = image.size
                if width * height > POSTER_MAX_PIXELS:
                    raise refuse(too_large)
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise refuse(too_large) from None
    except Image.UnidentifiedImageError:
        raise refuse(wrong_kind) from None
    except (OSError, SyntaxError, ValueError):
        raise refuse(_("The image cannot be read (damaged or cut short). Upload it again.")) from None
    finally:
        upload.seek(0)


def _unused_media(names) -> list[str]:
    """Those of ``names`` that no film points to any more."""
    names = {name for name in names if name}
    used = set()
    for field in ("poster", *POSTER_SIZES):
        used.update(Movie.objects.filter(**{f"{field}__in": names}).values_list(field, flat=True))
    return sorted(names - used)


def _storage():
    return Movie._meta.get_field("poster").storage


def _delete_media(names) -> None:
    for name in _unused_media(names):
        _storage().delete(name)


def movie_poster_thumbnails(*, movie: Movie, replaced_poster: str = "") -> Movie:
    """Make (or remove) the grid and page copies of the film's uploaded poster.

    Called after the poster changes (the admin, the demo data); the copies are
    JPEGs cropped to 2:3 so every card in the grid has the same shape. The new
    copies are written first; the replaced ones (and ``replaced_poster``, the
    previous upload) are deleted only once the transaction commits, so a failure
    never takes the live poster away. If the copies cannot be made, those already
    written are removed and the error goes up (the caller's transaction rolls back)."""
    replaced = [getattr(movie, field).name for field in POSTER_SIZES]
    if replaced_poster and replaced_poster != movie.poster.name:
        replaced.append(replaced_poster)
    written = []
    try:
        names = dict.fromkeys(POSTER_SIZES, "")
        if movie.poster:
            with movie.poster.open("rb") as source, Image.open(source) as image:
                image = ImageOps.exif_transpose(image).convert("RGB")
                for field, size in POSTER_SIZES.items():
                    copy = ImageOps.fit(image, size, Image.Resampling.LANCZOS)
                    buffer = BytesIO()
                    copy.save(buffer, "JPEG", quality=82, optimize=True, progressive=True)
                    name = Movie._meta.get_field(field).generate_filename(movie, f"{movie.slug}.jpg")
                    names[field] = _storage().save(name, ContentFile(buffer.getvalue()))
                    written.append(names[field])
        Movie.objects.filter(pk=movie.pk).update(**names)
    except Exception:
        for name in written:
            _storage().delete(name)
        raise
    for field, name in names.items():
        setattr(movie, field, name)
    transaction.on_commit(partial(_delete_media, replaced))
    return movie
