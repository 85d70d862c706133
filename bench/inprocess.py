"""The booking path's cost in one process, without a server or a load generator.

`make bench` measures throughput, which on a shared machine moves with
everyone else's load. This drives the WSGI application with Django's test
client and counts what the code itself costs per request:

- CPU milliseconds (this process only; the best of three rounds),
- Python function calls (cProfile's count: the same for the same code,
  whatever the machine's load — the figure to compare two versions with),
- the statements of one hold.

for holds (`POST /api/v1/tickets/`, one free seat each, as many buyers),
seat-map reads (cache hits) and `/health/live`. `--profile` prints where a
hold's time goes.

It runs on the database of DATABASE_URL, which must hold the demo data
(`manage.py migrate && manage.py seed_demo`) and may be changed: it adds 50
buyers and holds seats of the sessions that start in more than six hours.
Production settings otherwise (DEBUG off, the Redis cache of REDIS_URL),
with rate limits raised and logs at WARNING.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cinema_scratch REDIS_URL=redis://127.0.0.1:6379/14 \\
        .venv/bin/python bench/inprocess.py [--holds 100] [--profile]
"""

import argparse
import cProfile
import json
import os
import pstats
import secrets
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cinema.settings")
os.environ.update(
    DEBUG="0",
    SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(64),
    ALLOWED_HOSTS="testserver",
    SECURE_SSL_REDIRECT="0",
    LOG_LEVEL="WARNING",
    ACCESS_LOG_LEVEL="WARNING",
    **{f"THROTTLE_{s}": "100000000/min" for s in ("ANON", "USER", "BOOKING", "PAYMENT")},
)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--holds", type=int, default=100, help="requests per round")
    parser.add_argument("--profile", default="", help="print a cProfile of these requests (hold, payment, webhook)")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("DATABASE_URL: a demo database this may change")

    import django

    django.setup()
    from datetime import timedelta

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from rest_framework_simplejwt.tokens import AccessToken

    from accounts.authentication import JWTAuthentication
    from accounts.models import User
    from scheduling.models import Session
    from venues.layout import hall_seats, parse_layout
    from venues.models import Hall

    buyers = [User.objects.get_or_create(email=f"inprocess-{i}@bench.local")[0] for i in range(50)]
    tokens = [f"Bearer {AccessToken.for_user(user)}" for user in buyers]
    needed = 9 * args.holds + 100
    seats = []
    upcoming = Session.objects.filter(starts_at__gt=timezone.now() + timedelta(hours=6), status="on_sale")
    for session in upcoming.select_related("hall").order_by("starts_at"):
        taken = set(session.tickets.values_list("row", "seat"))  # lapsed holds too: they keep the seat until retired
        layout = parse_layout(session.hall.layout)
        seats += [(session.pk, s.row, s.seat) for s in layout if not s.blocked and (s.row, s.seat) not in taken]
        if len(seats) >= needed:
            break
    if len(seats) < needed:
        sys.exit("not enough free seats: seed the demo data again")
    seat_map = f"/api/v1/sessions/{seats[-1][0]}/seats/"  # a session the holds below do not touch

    client = Client()
    free = iter(seats)

    def hold():
        session, row, number = next(free)
        body = json.dumps({"session": session, "seats": [{"row": row, "seat": number}]})
        token = tokens[row % len(tokens)]
        response = client.post("/api/v1/tickets/", body, content_type="application/json", HTTP_AUTHORIZATION=token)
        assert response.status_code == 201, response.content

    def get(path):
        return lambda: client.get(path)

    # Held bookings to pay (held through the service, outside the measurement),
    # and the payments started, whose webhooks are measured last.
    from booking.providers.fake.models import FakePspPayment
    from booking.providers.fake.provider import pay_on_page, sign
    from booking.services import ticket_hold

    held, paid, webhooks = [], [], []
    from booking.providers.fake.models import FakePspEvent

    FakePspEvent.objects.update(delivered_at=timezone.now())  # the demo data's: not ours to send
    for index in range(5 * args.holds + 20):
        session, row, number = next(free)
        buyer = index % len(buyers)
        ticket = ticket_hold(user=buyers[buyer], session_id=session, seats=[(row, number)]).ticket_list[0]
        held.append((ticket.pk, tokens[buyer]))

    def pay():
        ticket, token = held.pop()
        response = client.post(
            f"/api/v1/tickets/{ticket}/pay/",
            b'{"payment_method": "card"}',
            content_type="application/json",
            HTTP_AUTHORIZATION=token,
            HTTP_IDEMPOTENCY_KEY=f"inprocess-{ticket}",
        )
        assert response.status_code == 201, response.content
        paid.append(response.json()["payment"]["id"])

    def webhook():
        if not webhooks:  # the customers confirm the payments started so far, on the card page
            from booking.models import Payment

            references = Payment.objects.filter(pk__in=paid).values_list("provider_reference", flat=True)
            for page in FakePspPayment.objects.filter(pk__in=list(references), status="pending"):
                pay_on_page(page, card_number="4242424242424242")
            events = FakePspEvent.objects.filter(type="payment.succeeded", delivered_at__isnull=True)
            webhooks.extend((sign(e.body.encode()), e.body) for e in events)
            events.update(delivered_at=timezone.now())
            paid.clear()
        signature, body = webhooks.pop()
        response = client.post(
            "/api/v1/payments/webhooks/fake/",
            body,
            content_type="application/json",
            HTTP_X_FAKE_PSP_SIGNATURE=signature,
        )
        assert response.status_code == 200 and response.json()["outcome"] == "paid", response.content

    # Warm, so that every round costs the same: each hall's parsed layout, each
    # buyer's validated token, the connections and the caches.
    for hall in Hall.objects.all():
        hall_seats(hall)
    for token in tokens:
        JWTAuthentication().get_validated_token(token.split()[1].encode())
    requests = {
        "hold": hold,
        "payment": pay,
        "webhook": webhook,
        "seat map": get(seat_map),
        "/health/live": get("/health/live"),
    }
    for name, request in requests.items():
        for _ in range(5 if name in ("payment", "webhook") else 20):
            request()

    for name in ("hold", "payment", "webhook"):
        with CaptureQueriesContext(connection) as queries:
            requests[name]()
        print(f"one {name}:", len(queries), "statements")
        for query in queries.captured_queries:
            print("   ", query["sql"][:110])

    print(f"\nper request ({args.holds} requests per round)")
    for name, request in requests.items():
        cpu = []
        for _ in range(3):
            started = time.process_time()
            for _ in range(args.holds):
                request()
            cpu.append((time.process_time() - started) * 1000 / args.holds)
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.holds):
            request()
        profile.disable()
        calls = pstats.Stats(profile).total_calls / args.holds
        print(f"  {name:13} CPU {min(cpu):6.2f} ms   {calls:7.0f} Python calls")

    for name in filter(None, args.profile.split(",")):
        profile = cProfile.Profile(time.process_time)
        profile.enable()
        for _ in range(args.holds):
            requests[name]()
        profile.disable()
        print(f"\n== {name}")
        pstats.Stats(profile).sort_stats("cumulative").print_stats(70)


if __name__ == "__main__":
    main()
