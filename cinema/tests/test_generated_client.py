"""The API through a client generated from its own schema, as a partner team
would build one: ``openapi-python-client`` generates a Python package from the
live ``/api/schema/``, and the customer's, the moderator's and the manager's
journeys run through it with no hand-written HTTP. Every answer must parse
into the generated model of its status; errors into the error envelope."""

import importlib
import os
import subprocess
import sys
import uuid
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from django.utils import timezone

from conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

PACKAGE = "cinema_client"
GENERATOR_CONFIG = Path(__file__).resolve().parents[1] / "api" / "client-config.yaml"
CARD = "4242424242424242"


@pytest.fixture(scope="module")
def generated(live_server, tmp_path_factory, django_db_blocker):
    """The generated package, imported, and what the generator printed."""
    work = tmp_path_factory.mktemp("client")
    with django_db_blocker.unblock():
        schema = httpx.get(f"{live_server.url}/api/schema/", timeout=30)
    assert schema.status_code == 200, schema.text[:300]
    (work / "schema.yaml").write_bytes(schema.content)
    bin_dir = Path(sys.executable).parent  # the generator formats its output with ruff, from here
    run = subprocess.run(
        [
            str(bin_dir / "openapi-python-client"),
            "generate",
            "--path",
            "schema.yaml",
            "--output-path",
            PACKAGE,
            "--meta",
            "none",
            "--config",
            str(GENERATOR_CONFIG),
        ],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    sys.path.insert(0, str(work))
    try:
        api = SimpleNamespace(
            client=importlib.import_module(f"{PACKAGE}.client"),
            models=importlib.import_module(f"{PACKAGE}.models"),
            types=importlib.import_module(f"{PACKAGE}.types"),
            output=run.stdout + run.stderr,
            returncode=run.returncode,
        )
        yield api
    finally:
        sys.path.remove(str(work))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def operation(api, tag: str, name: str):
    return importlib.import_module(f"{PACKAGE}.api.{tag}.{name}")


def parsed(response, model, status: int = 200):
    """The response's body as the generated ``model``, checked to be one."""
    assert response.status_code == status, response.content[:500]
    assert isinstance(response.parsed, model), (type(response.parsed), response.content[:500])
    return response.parsed


def error(api, response, status: int, code: str):
    envelope = parsed(response, api.models.Error, status)
    assert envelope.code == code, envelope
    return envelope


class Clients:
    """Generated clients for the live server; closed after the test (the server
    thread of a kept-alive connection holds a database connection)."""

    def __init__(self, api, base_url: str):
        self.api, self.base_url, self.opened = api, base_url, []

    def _opened(self, client):
        self.opened.append(client)
        return client

    def anonymous(self):
        return self._opened(self.api.client.Client(base_url=self.base_url, raise_on_unexpected_status=True, timeout=30))

    def bearer(self, token: str):
        return self._opened(
            self.api.client.AuthenticatedClient(
                base_url=self.base_url, token=token, raise_on_unexpected_status=True, timeout=30
            )
        )

    def close(self):
        for client in self.opened:
            client.get_httpx_client().close()

    def login(self, email: str, password: str = PASSWORD):
        login = operation(self.api, "auth", "auth_login")
        body = self.api.models.LoginRequest(email=email, password=password)
        tokens = parsed(login.sync_detailed(client=self.anonymous(), body=body), self.api.models.TokenPair)
        return self.bearer(tokens.access)


@pytest.fixture
def clients(generated, live_server):
    opened = Clients(generated, live_server.url)
    yield opened
    opened.close()


def pay(api, client, ticket_id: int, key: str):
    """Pay the booking of ``ticket_id``: start the payment through the generated
    client, enter the test card on the provider's page (the customer's browser,
    not our API), then read the payment through the generated client until the
    provider's webhook has settled it. The booking, and whether the start was a replay."""
    m = api.models
    started = operation(api, "tickets", "tickets_pay").sync_detailed(
        id=ticket_id,
        client=client,
        body=m.PayRequest(payment_method=m.PaymentMethodEnum.CARD),
        idempotency_key=key,
    )
    result = parsed(started, m.PayResult, 201)
    replayed = started.headers.get("Idempotent-Replayed") == "true"
    if not replayed:
        page = httpx.post(result.payment.confirmation_url, data={"card_number": CARD}, follow_redirects=False)
        assert page.status_code in (302, 303), page.text
    payment = parsed(
        operation(api, "payments", "payments_retrieve").sync_detailed(id=result.payment.id, client=client), m.Payment
    )
    assert payment.status == m.PaymentStatusEnum.SUCCEEDED and payment.paid_at is not None
    booking = operation(api, "tickets", "bookings_retrieve").sync_detailed(reference=payment.booking, client=client)
    return parsed(booking, m.Booking), replayed


def test_the_generator_prints_no_warning(generated):
    assert generated.returncode == 0, generated.output
    assert "warning" not in generated.output.lower(), generated.output
    assert generated.output.strip() == f"Generating {PACKAGE}", generated.output


def test_customer_journey_through_the_generated_client(
    generated, clients, session, movie, cinema, other_customer, moderator
):
    api, m = generated, generated.models
    anonymous = clients.anonymous()

    email = f"viewer-{uuid.uuid4().hex[:8]}@example.com"
    register = operation(api, "auth", "auth_register").sync_detailed(
        client=anonymous,
        body=m.RegisterRequest(email=email, password="Long-enough-pass-42", first_name="Анна", last_name="З"),
    )
    assert parsed(register, m.User, 201).role == m.RoleEnum.CUSTOMER
    customer = clients.login(email, "Long-enough-pass-42")
    assert parsed(operation(api, "auth", "auth_me").sync_detailed(client=customer), m.User).email == email

    films = parsed(operation(api, "movies", "movies_list").sync_detailed(client=customer), m.PaginatedMovieList)
    assert [f.cast_members for f in films.results] == [movie.cast]
    found = operation(api, "movies", "movies_search").sync_detailed(client=customer, q="сталкер")
    assert [f.id for f in parsed(found, m.PaginatedMovieList).results] == [movie.pk]
    film = parsed(operation(api, "movies", "movies_retrieve").sync_detailed(id=movie.slug, client=customer), m.Movie)
    assert film.title == movie.title

    nearby = operation(api, "cinemas", "cinemas_nearby").sync_detailed(client=customer, lat=55.75, lon=37.6)
    assert [c.id for c in parsed(nearby, m.PaginatedNearbyCinemaList).results] == [cinema.pk]
    cinema_page = operation(api, "cinemas", "cinemas_retrieve").sync_detailed(id=cinema.pk, client=customer)
    assert parsed(cinema_page, m.Cinema).website == ""

    local_date = timezone.localtime(session.starts_at, cinema.tz).date()
    sessions = operation(api, "sessions", "sessions_list").sync_detailed(client=customer, date=local_date)
    assert [s.id for s in parsed(sessions, m.PaginatedSessionList).results] == [session.pk]
    film_sessions = operation(api, "movies", "movies_sessions_list").sync_detailed(movie_id=movie.pk, client=customer)
    assert parsed(film_sessions, m.PaginatedSessionList).count == 1
    seat_map = operation(api, "sessions", "sessions_seat_map").sync_detailed(id=session.pk, client=customer)
    assert {s.status for s in parsed(seat_map, m.SeatMap).seats} == {m.SeatStatusEnum.FREE, m.SeatStatusEnum.BLOCKED}

    hold = operation(api, "tickets", "tickets_hold").sync_detailed(
        client=customer, body=m.HoldRequest(session=session.pk, seats=[m.HoldSeatRequest(row=3, seat=3)])
    )
    held = parsed(hold, m.Booking, 201)
    ticket = held.tickets[0]
    assert isinstance(ticket, m.Ticket) and ticket.paid_at is None and ticket.reserved_until > timezone.now()

    booking, replayed = pay(api, customer, ticket.id, key="first-try")
    assert booking.status == m.BookingStatusEnum.PAID and not replayed
    again, replayed = pay(api, customer, ticket.id, key="first-try")
    assert again.reference == booking.reference and replayed

    mine = parsed(operation(api, "tickets", "tickets_retrieve").sync_detailed(id=ticket.id, client=customer), m.Ticket)
    assert mine.status == m.TicketStatusEnum.PAID and mine.paid_at is not None
    listed = parsed(operation(api, "tickets", "tickets_list").sync_detailed(client=customer), m.PaginatedTicketList)
    assert [t.id for t in listed.results] == [ticket.id]
    by_reference = operation(api, "tickets", "bookings_retrieve").sync_detailed(
        reference=booking.reference, client=customer
    )
    assert parsed(by_reference, m.Booking).tickets[0].id == ticket.id

    png = parsed(
        operation(api, "tickets", "tickets_qr_png").sync_detailed(id=ticket.id, client=customer), api.types.File
    )
    assert png.payload.read().startswith(b"\x89PNG")
    svg = parsed(
        operation(api, "tickets", "tickets_qr_svg").sync_detailed(id=ticket.id, client=customer), api.types.File
    )
    assert b"<svg" in svg.payload.read()

    refund = operation(api, "tickets", "tickets_cancel").sync_detailed(id=ticket.id, client=customer)
    refunded = parsed(refund, m.Ticket)
    assert refunded.status == m.TicketStatusEnum.REFUNDED and refunded.refunded_at is not None

    review = operation(api, "reviews", "reviews_create").sync_detailed(
        client=customer, body=m.ReviewRequest(movie=movie.pk, rating=9, title="Зона", text="Долго, но оно того стоит.")
    )
    written = parsed(review, m.Review, 201)
    assert written.status == m.ReviewStatusEnum.PENDING
    own = parsed(operation(api, "reviews", "reviews_mine").sync_detailed(client=customer), m.PaginatedReviewList)
    assert [r.id for r in own.results] == [written.id]

    # The moderator approves it; another customer finds it helpful.
    staff = clients.login(moderator.email)
    queue = parsed(operation(api, "reviews", "reviews_pending").sync_detailed(client=staff), m.PaginatedReviewList)
    assert [r.id for r in queue.results] == [written.id]
    approve = operation(api, "reviews", "reviews_moderate").sync_detailed(
        id=written.id, client=staff, body=m.ModerateRequest(action=m.ActionEnum.APPROVE)
    )
    assert parsed(approve, m.Review).status == m.ReviewStatusEnum.APPROVED

    other = clients.login(other_customer.email)
    vote = operation(api, "reviews", "reviews_vote").sync_detailed(
        id=written.id, client=other, body=m.VoteRequest(helpful=True)
    )
    assert parsed(vote, m.Review).helpful_count == 1
    public = operation(api, "reviews", "reviews_movie_list").sync_detailed(movie_id=movie.pk, client=anonymous)
    assert [r.id for r in parsed(public, m.PaginatedReviewList).results] == [written.id]


def test_manager_journey_through_the_generated_client(generated, clients, session, movie, customer, manager):
    api, m = generated, generated.models
    buyer = clients.login(customer.email)
    held = parsed(
        operation(api, "tickets", "tickets_hold").sync_detailed(
            client=buyer, body=m.HoldRequest(session=session.pk, seats=[m.HoldSeatRequest(row=2, seat=2)])
        ),
        m.Booking,
        201,
    )
    pay(api, buyer, held.tickets[0].id, key="manager-journey")

    staff = clients.login(manager.email)
    statistics = parsed(operation(api, "tickets", "tickets_statistics").sync_detailed(client=staff), m.Statistics)
    assert statistics.overall.tickets_sold == 1 and statistics.by_movie[0].movie_id == movie.pk
    assert isinstance(statistics.by_day[0], m.StatisticsDay) and statistics.sessions[0].sold == 1

    everyone = parsed(operation(api, "tickets", "tickets_list").sync_detailed(client=staff), m.PaginatedTicketList)
    assert everyone.count == 1
    cancel = operation(api, "sessions", "sessions_cancel").sync_detailed(
        id=session.pk, client=staff, body=m.SessionCancelRequest(reason="Проектор сломался")
    )
    cancelled = parsed(cancel, m.SessionCancelResult)
    assert cancelled.refunded_tickets == 1 and cancelled.session.status == m.SessionStatusEnum.CANCELLED
    kept = parsed(
        operation(api, "movies", "movies_delete").sync_detailed(id=str(movie.pk), client=staff), m.Deactivated
    )
    assert kept.status == m.DeactivatedStatusEnum.DEACTIVATED


def test_errors_parse_as_the_error_envelope(generated, clients, session, customer, other_customer):
    api, m = generated, generated.models
    hold = operation(api, "tickets", "tickets_hold")
    first, second = clients.login(customer.email), clients.login(other_customer.email)
    seat = m.HoldRequest(session=session.pk, seats=[m.HoldSeatRequest(row=4, seat=4)])
    parsed(hold.sync_detailed(client=first, body=seat), m.Booking, 201)

    taken = error(api, hold.sync_detailed(client=second, body=seat), 409, "seat_unavailable")
    assert taken.details.additional_properties["seats"] == [{"row": 4, "seat": 4}]
    error(api, operation(api, "tickets", "tickets_retrieve").sync_detailed(id=999999, client=first), 404, "not_found")
    empty = error(
        api, hold.sync_detailed(client=first, body=m.HoldRequest(session=session.pk, seats=[])), 400, "validation_error"
    )
    assert [field.split(".")[0] for field in empty.errors.additional_properties] == ["seats"]
    tickets_list = operation(api, "tickets", "tickets_list")
    error(api, tickets_list.sync_detailed(client=clients.anonymous()), 401, "not_authenticated")
    wrong = m.LoginRequest(email=customer.email, password="not-the-password")
    error(
        api,
        operation(api, "auth", "auth_login").sync_detailed(client=clients.anonymous(), body=wrong),
        401,
        "authentication_failed",
    )

    # A public operation ignores a token that is no longer good; a private one refuses it.
    stale = clients.bearer("expired.or.forged")
    assert parsed(operation(api, "movies", "movies_list").sync_detailed(client=stale), m.PaginatedMovieList).count == 1
    error(api, tickets_list.sync_detailed(client=stale), 401, "token_not_valid")
