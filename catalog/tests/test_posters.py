"""Posters: an upload in the admin makes the grid and page copies; the demo draws them."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.test import Client
from PIL import Image

from catalog.demo import draw_poster

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_poster_uploaded_in_the_admin_gets_its_grid_and_page_copies(movie, admin_user):
    client = Client()
    client.force_login(admin_user)
    buffer = BytesIO()
    Image.new("RGB", (1000, 1400), "navy").save(buffer, "PNG")
    data = {k: ("" if v is None else v) for k, v in model_to_dict(movie).items() if k not in ("poster", "genres")}
    data["poster"] = SimpleUploadedFile("stalker.png", buffer.getvalue(), content_type="image/png")
    response = client.post(f"/admin/catalog/movie/{movie.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    movie.refresh_from_db()
    with Image.open(movie.poster_small.path) as small, Image.open(movie.poster_medium.path) as medium:
        assert (small.size, medium.size) == ((240, 360), (480, 720))


def test_the_demo_poster_is_a_2_by_3_jpeg():
    with Image.open(BytesIO(draw_poster(title="Сталкер", latin_title="Stalker", year=1979, key="stalker"))) as image:
        assert image.format == "JPEG" and image.size == (480, 720)
