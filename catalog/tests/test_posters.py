"""Posters: an upload in the admin makes the grid and page copies; the demo draws them."""

from io import BytesIO
from pathlib import Path

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


EPS = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 100 100\nnewpath 0 0 moveto 100 100 lineto stroke\n%%EOF\n"


def _image(fmt: str, size=(200, 300), mode="RGB") -> bytes:
    buffer = BytesIO()
    Image.new(mode, size, "red" if mode == "RGB" else 1).save(buffer, fmt)
    return buffer.getvalue()


def _noise_jpeg() -> bytes:
    buffer = BytesIO()
    Image.effect_noise((200, 300), 50).convert("RGB").save(buffer, "JPEG")  # ~30 kB, so half is past the headers
    return buffer.getvalue()


def _upload(client, movie, name: str, content: bytes):
    data = {k: ("" if v is None else v) for k, v in model_to_dict(movie).items() if k not in ("poster", "genres")}
    data["poster"] = SimpleUploadedFile(name, content)
    return client.post(f"/admin/catalog/movie/{movie.pk}/change/", data)


@pytest.fixture
def with_poster(movie, admin_user, django_capture_on_commit_callbacks):
    """The film with a good poster uploaded in the admin; the client that did it."""
    client = Client()
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        assert _upload(client, movie, "first.jpg", _image("JPEG")).status_code == 302
    movie.refresh_from_db()
    return movie, client


def _on_disk(movie) -> bool:
    return all(Path(getattr(movie, field).path).is_file() for field in ("poster", "poster_small", "poster_medium"))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("cut.jpg", _noise_jpeg()[:15000], "cannot be read"),
        ("drawing.eps", EPS, "JPEG, PNG or WebP"),
        ("drawing.jpg", EPS, "JPEG, PNG or WebP"),
        ("animation.gif", _image("GIF"), "JPEG, PNG or WebP"),
        ("huge.png", _image("PNG", (8000, 6000), "1"), "40 megapixels"),
    ],
    ids=["truncated-jpeg", "eps", "eps-named-jpg", "gif", "48-megapixels"],
)
def test_a_poster_that_cannot_be_used_is_a_form_error_and_the_old_one_stays(
    with_poster, django_capture_on_commit_callbacks, settings, name, content, message
):
    movie, client = with_poster
    before = {field: getattr(movie, field).name for field in ("poster", "poster_small", "poster_medium")}
    files_before = sorted(p.name for p in (settings.MEDIA_ROOT / "posters").rglob("*"))
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, movie, name, content)
    assert response.status_code == 200
    assert message in " ".join(response.context["adminform"].form.errors["poster"])
    movie.refresh_from_db()
    assert {field: getattr(movie, field).name for field in before} == before
    assert sorted(p.name for p in (settings.MEDIA_ROOT / "posters").rglob("*")) == files_before
    assert _on_disk(movie)  # what nginx serves under /media/


def test_a_poster_larger_than_10_mb_is_refused(with_poster):
    movie, client = with_poster
    response = _upload(client, movie, "big.png", _image("PNG") + b"\0" * (10 * 1024 * 1024))
    assert response.status_code == 200
    assert "larger than 10 MB" in " ".join(response.context["adminform"].form.errors["poster"])


def test_a_new_poster_replaces_the_old_files_once_the_save_commits(with_poster, django_capture_on_commit_callbacks):
    movie, client = with_poster
    old = [getattr(movie, field).path for field in ("poster", "poster_small", "poster_medium")]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert _upload(client, movie, "second.webp", _image("WEBP")).status_code == 302
    assert all(Path(path).exists() for path in old)  # not before the commit
    for callback in callbacks:
        callback()
    assert not any(Path(path).exists() for path in old)
    movie.refresh_from_db()
    assert movie.poster.name.endswith(".webp")
    new = [getattr(movie, field).path for field in ("poster", "poster_small", "poster_medium")]
    assert all(Path(path).exists() for path in new) and not set(new) & set(old)


def test_when_the_copies_cannot_be_made_the_save_fails_and_leaves_no_new_files(
    with_poster, django_capture_on_commit_callbacks, monkeypatch, settings
):
    movie, client = with_poster
    files_before = sorted(p.name for p in (settings.MEDIA_ROOT / "posters").rglob("*"))
    monkeypatch.setattr("catalog.services.ImageOps.fit", _broken)
    with pytest.raises(OSError), django_capture_on_commit_callbacks(execute=True):
        _upload(client, movie, "third.png", _image("PNG"))
    assert sorted(p.name for p in (settings.MEDIA_ROOT / "posters").rglob("*")) == files_before


def _broken(*args, **kwargs):
    raise OSError("image file is truncated")


def test_the_refusals_are_translated(with_poster):
    movie, client = with_poster
    client.cookies["django_language"] = "ru"
    response = _upload(client, movie, "drawing.eps", EPS)
    assert response.context["adminform"].form.errors["poster"] == ["Загрузите изображение JPEG, PNG или WebP."]
