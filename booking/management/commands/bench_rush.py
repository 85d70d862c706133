"""A premiere rush against a running server: many buyers, one session.

Each buyer (its own account) reads the seat map, holds a random group of 1–4
free seats (trying again elsewhere when beaten to them), pays with an
idempotency key, and a few cancel. Afterwards the database is checked: no seat
may be live twice, and the seat map the API serves must match the tickets.

    python manage.py bench_rush --url http://127.0.0.1:8000 --buyers 300 --session 42

Run it with the same settings (DATABASE_URL, SECRET_KEY) as the server: it
creates the buyers' accounts and signs their access tokens locally, so the
run measures booking, not password hashing. Only loopback URLs are allowed.
"""

import json
import random
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import User
from booking.models import Ticket
from booking.selectors import seat_map
from scheduling.models import Session

CARD = "4242424242424242"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class Client:
    def __init__(self, base: str, token: str, timings: list, lock: threading.Lock):
        self.base, self.token, self.timings, self.lock = base.rstrip("/"), token, timings, lock

    def call(self, method: str, path: str, body=None, headers=None) -> tuple[int, dict]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.base}{path}", data=data, method=method)
        request.add_header("Authorization", f"Bearer {self.token}")
        request.add_header("Content-Type", "application/json")
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            status, raw = 599, json.dumps({"message": str(exc)}).encode()
        elapsed = time.perf_counter() - started
        with self.lock:
            self.timings.append((elapsed, status))
        try:
            return status, json.loads(raw) if raw else {}
        except ValueError:
            return status, {}


class Command(BaseCommand):
    help = "Load-test the booking path with many concurrent buyers of one session (loopback only)."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000")
        parser.add_argument("--session", type=int, required=True, help="id of a session on sale")
        parser.add_argument("--buyers", type=int, default=300)
        parser.add_argument("--concurrency", type=int, default=64, help="buyers in flight at once")
        parser.add_argument("--cancel-share", type=float, default=0.1, help="share of buyers who cancel")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, url, session, buyers, concurrency, cancel_share, seed, **options):
        if urlparse(url).hostname not in LOOPBACK:
            raise CommandError("bench_rush only targets this machine (127.0.0.1, localhost, ::1).")
        if not 1 <= buyers <= 5000 or not 1 <= concurrency <= 512:
            raise CommandError("--buyers 1..5000, --concurrency 1..512")
        target = Session.objects.filter(pk=session).select_related("hall").first()
        if target is None:
            raise CommandError(f"No session {session}.")

        users = self._buyers(buyers)
        timings: list[tuple[float, int]] = []
        lock = threading.Lock()
        outcome = Counter()
        rng = random.Random(seed)
        plans = [(user, rng.randint(1, 4), rng.random() < cancel_share, rng.randrange(10**9)) for user in users]

        def buyer(plan):
            user, wanted, cancels, own_seed = plan
            client = Client(f"{url}/api/v1", str(AccessToken.for_user(user)), timings, lock)
            own = random.Random(own_seed)
            for _attempt in range(3):
                status, body = client.call("GET", f"/sessions/{session}/seats/")
                free = [(s["row"], s["seat"]) for s in body.get("seats", []) if s["status"] == "free"]
                if status != 200 or not free:
                    return "sold_out" if status == 200 else f"error_{status}"
                picked = own.sample(free, k=min(wanted, len(free)))
                status, body = client.call(
                    "POST", "/tickets/", {"session": session, "seats": [{"row": r, "seat": s} for r, s in picked]}
                )
                if status == 409:
                    with lock:
                        outcome["conflicts"] += 1
                    continue
                if status != 201:
                    return f"error_{status}"
                ticket_id = body["tickets"][0]["id"]
                key = str(uuid.uuid4())
                pay = {"payment_method": "card"}
                status, body = client.call("POST", f"/tickets/{ticket_id}/pay/", pay, {"Idempotency-Key": key})
                if status != 201:
                    return f"error_{status}"
                # A client retry after a lost response: the same key must not start a second payment.
                status, _ = client.call("POST", f"/tickets/{ticket_id}/pay/", pay, {"Idempotency-Key": key})
                if status != 201:
                    return f"replay_error_{status}"
                # The customer on the (fake) provider's page; its webhook settles the payment.
                form = urllib.parse.urlencode({"card_number": CARD}).encode()
                with urllib.request.urlopen(body["payment"]["confirmation_url"], data=form, timeout=60) as page:
                    if page.status != 200:
                        return f"checkout_error_{page.status}"
                if cancels:
                    status, _ = client.call("POST", f"/tickets/{ticket_id}/cancel/")
                    return "refunded" if status == 200 else f"error_{status}"
                return "bought"
            return "gave_up"

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            for result in pool.map(buyer, plans):
                outcome[result] += 1
        wall = time.perf_counter() - started
        self._report(target, outcome, timings, wall, buyers, concurrency)

    def _buyers(self, count: int) -> list[User]:
        emails = [f"rush-{i}@bench.local" for i in range(count)]
        existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
        unusable = make_password(None)
        User.objects.bulk_create(
            [User(email=email, password=unusable, first_name="Rush") for email in emails if email not in existing]
        )
        return list(User.objects.filter(email__in=emails).order_by("email"))

    def _report(self, session, outcome, timings, wall, buyers, concurrency):
        live = list(Ticket.objects.filter(session=session).live().values_list("row", "seat"))
        doubles = sum(1 for count in Counter(live).values() if count > 1)
        served = {(s["row"], s["seat"]): s["status"] for s in seat_map(session)}
        mismatched = sum(1 for seat in live if served.get(seat) not in ("held", "sold"))
        mismatched += sum(1 for seat, st in served.items() if st in ("held", "sold") and seat not in set(live))
        session.refresh_from_db()
        sold_db = Ticket.objects.filter(session=session).sold().count()
        latencies = sorted(t for t, _ in timings)
        server_errors = sum(1 for _, status in timings if status >= 500)
        q = statistics.quantiles(latencies, n=100) if len(latencies) >= 2 else [0] * 99
        lines = [
            f"buyers {buyers}, concurrency {concurrency}, session {session.pk} ({session.capacity} sellable seats)",
            f"outcomes: {dict(sorted(outcome.items()))}",
            f"seats sold (paid or used): {sold_db}; session counter seats_sold: {session.seats_sold}",
            f"seat conflicts (409 on hold): {outcome['conflicts']}",
            f"server errors (5xx or no answer): {server_errors}",
            f"seats sold twice: {doubles}",
            f"seat map vs database mismatches: {mismatched}",
            f"requests: {len(timings)} in {wall:.2f} s = {len(timings) / wall:.0f} req/s",
            f"latency p50 {q[49] * 1000:.0f} ms, p99 {q[98] * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms",
        ]
        for line in lines:
            self.stdout.write(line)
        if doubles or server_errors or mismatched or sold_db != session.seats_sold:
            raise CommandError("The rush broke an invariant (see above).")
