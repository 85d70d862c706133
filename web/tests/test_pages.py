"""The pages render in both languages and load nothing from another host."""

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/sessions/{session}/", "/tickets/", "/account/"])
@pytest.mark.parametrize("language, heading", [("en", "Films and sessions"), ("ru", "Фильмы и сеансы")])
def test_pages_render_in_both_languages(path, language, heading, session):
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get(path.format(session=session.pk))
    assert response.status_code == 200
    assert heading in response.content.decode()  # the navigation, on every page


def test_pages_reference_no_other_host():
    html = Client().get("/").content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls and all(not url.startswith(("http://", "https://", "//")) for url in urls), urls


def test_a_huge_session_id_is_a_404_not_a_500():
    assert Client().get("/sessions/99999999999999999999999/").status_code == 404
    assert Client().get("/sessions/12345/").status_code == 404  # no such session


def test_the_session_page_shows_film_cinema_hall_and_local_times(session):
    html = Client(HTTP_ACCEPT_LANGUAGE="ru").get(f"/sessions/{session.pk}/").content.decode()
    starts = session.starts_at.astimezone(session.hall.cinema.tz)
    ends = session.ends_at.astimezone(session.hall.cinema.tz)
    assert "Сталкер" in html and "Октябрь, Новый Арбат, 24" in html and "Зал 1" in html
    assert f"{starts:%H:%M}</time>–<time" in html and f">{ends:%H:%M}</time>" in html
    assert "4242" not in html  # no test card on our pages


@pytest.mark.parametrize("path", ["/password-reset/", "/password-reset/MQ/abc-123/", "/verify-email/MQ/abc:123/"])
@pytest.mark.parametrize("language, heading", [("en", "Films and sessions"), ("ru", "Фильмы и сеансы")])
def test_the_pages_behind_emailed_links_render(path, language, heading):
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get(path)
    assert response.status_code == 200 and heading in response.content.decode()


def test_the_sign_in_dialog_links_to_password_reset():
    html = Client(HTTP_ACCEPT_LANGUAGE="ru").get("/").content.decode()
    assert '<a href="/password-reset/">Забыли пароль?</a>' in html


def test_a_withdrawn_film_or_closed_cinema_has_no_session_page_but_staff_may_look(session, manager, customer):
    from booking import services
    from booking.errors import SalesClosed

    page = f"/sessions/{session.pk}/"
    type(session.movie).objects.filter(pk=session.movie_id).update(is_active=False)
    assert Client().get(page).status_code == 404
    staff = Client()
    staff.force_login(manager)
    assert staff.get(page).status_code == 200  # a preview; the seats still cannot be held
    with pytest.raises(SalesClosed):
        services.ticket_hold(user=customer, session_id=session.pk, seats=[(1, 1)])
    type(session.movie).objects.filter(pk=session.movie_id).update(is_active=True)
    type(session.hall.cinema).objects.filter(pk=session.hall.cinema_id).update(is_active=False)
    assert Client().get(page).status_code == 404
    with pytest.raises(SalesClosed):
        services.ticket_hold(user=customer, session_id=session.pk, seats=[(1, 1)])
