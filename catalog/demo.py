"""Posters for the demo films, drawn with Pillow: a colour per film, its title and year.

Fast on purpose (the demo data is made on every fresh `make run`): one flat
image with a band and text, no filters."""

import colorsys
import hashlib
import textwrap
from functools import cache
from io import BytesIO

from PIL import Image, ImageDraw, ImageFont

SIZE = (480, 720)
# Debian's DejaVu has Cyrillic; without it Pillow's built-in font has Latin only.
FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)


@cache
def _font(size: int, bold: bool = True):
    path = FONT_FILES[0 if bold else 1]
    try:
        return ImageFont.truetype(path, size), True
    except OSError:
        return ImageFont.load_default(size=size), False


def poster_colour(key: str) -> tuple[int, int, int]:
    """A dark, saturated colour fixed by ``key``: white text on it stays readable."""
    hue = int(hashlib.sha256(key.encode()).hexdigest()[:4], 16) / 0xFFFF
    r, g, b = colorsys.hls_to_rgb(hue, 0.28, 0.65)
    return int(r * 255), int(g * 255), int(b * 255)


def draw_poster(*, title: str, latin_title: str, year: int, key: str) -> bytes:
    """A JPEG poster: the film's colour, its title (Latin when the font has no Cyrillic) and year."""
    colour = poster_colour(key)
    image = Image.new("RGB", SIZE, colour)
    draw = ImageDraw.Draw(image)
    width, height = SIZE
    # A lighter disc and a dark band: some depth without any per-pixel work.
    light = tuple(min(255, c + 45) for c in colour)
    draw.ellipse((-width // 3, -height // 8, width + width // 3, height * 2 // 3), fill=light)
    draw.rectangle((0, height * 2 // 3, width, height), fill=tuple(c // 3 for c in colour))
    big, cyrillic = _font(46)
    shown = title if cyrillic else latin_title or title
    lines = textwrap.wrap(shown.upper(), width=14)[:4]
    y = height * 2 // 3 - 24 - len(lines) * 56
    for line in lines:
        draw.text((32, y), line, font=big, fill=(255, 255, 255))
        y += 62
    small, _ = _font(26, bold=False)
    if latin_title and latin_title != shown:
        draw.text((32, height * 2 // 3 + 28), latin_title, font=small, fill=(235, 235, 235))
    draw.text((32, height - 64), str(year), font=small, fill=(235, 235, 235))
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()
