"""Checks of the running stack (called by deploy/stack_test.sh). Prints one line
per check and ends with "N passed, N failed"; exits non-zero on any failure."""

import argparse
import hashlib
import hmac
import json
import os
import ssl
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import date, timedelta

TLS = ssl.create_default_context()
TLS.check_hostname = False
TLS.verify_mode = ssl.CERT_NONE  # the stack test's own self-signed certificate


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(urllib.request.HTTPSHandler(context=TLS), NoRedirect())


def call(url, method="GET", body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    for key, value in (headers or {}).items():
        request.add_header(key, value)
    try:
        with OPENER.open(request, timeout=20) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def post_form(url, fields, *, site=None):
    """A form POST, as the customer's browser sends the provider's card page.
    ``site``: the stack's own scheme, host and port (nginx names the host
    without the test's port in absolute URLs)."""
    if site:
        url = site + urllib.parse.urlsplit(url).path
    request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode(), method="POST")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with OPENER.open(request, timeout=20) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def provider_id_of(confirmation_url: str) -> str:
    """The fake provider's payment id: the last part of its card page's address."""
    return confirmation_url.rstrip("/").rsplit("/", 1)[-1]


def send_provider_webhook(api: str, provider_payment_id: str):
    """Deliver the fake provider's pending webhook for a payment ourselves, signed
    as the provider signs it (PAYMENT_FAKE_WEBHOOK_SECRET), when its own delivery
    job cannot run (no worker yet, or the broker is down). The event is read from
    the fake provider's table, so it is the very event the provider made."""
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as db:
        row = db.execute(
            "SELECT body FROM fake_psp_event WHERE body LIKE %s AND type = 'payment.succeeded' ORDER BY created_at",
            (f"%{provider_payment_id}%",),
        ).fetchone()
    if row is None:
        return None, {}, b"no event"
    body = row[0].encode()
    key = os.environ["PAYMENT_FAKE_WEBHOOK_SECRET"].encode()
    signature = "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(f"{api}/payments/webhooks/fake/", data=body, method="POST")
    request.add_header("Content-Type", "application/json")
    request.add_header("X-Fake-PSP-Signature", signature)
    try:
        with OPENER.open(request, timeout=20) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def wait_for_status(api: str, payment_id, auth, wanted="succeeded", seconds=30):
    """Poll the payment (as the pages do) until it has ``wanted`` status; its last answer."""
    deadline = time.monotonic() + seconds
    while True:
        status, _, body = call(f"{api}/payments/{payment_id}/", headers=auth)
        if as_json(body).get("status") == wanted or time.monotonic() > deadline:
            return status, as_json(body)
        time.sleep(0.2)


def as_json(raw):
    try:
        return json.loads(raw)
    except ValueError:
        return {}


class Checks:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, name, ok, detail=""):
        print(f"{'PASS' if ok else 'FAIL'} {name}{'' if ok else ' — ' + str(detail)[:300]}")
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        return ok


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--https", required=True)
    parser.add_argument("--http", required=True)
    parser.add_argument("--direct", required=True)
    parser.add_argument("--throttle", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--password", required=True)
    args = parser.parse_args()
    c = Checks()
    api = f"{args.https}/api/v1"

    status, _, body = call(f"{args.https}/health/ready")
    c.check("ready through nginx over HTTPS", status == 200 and as_json(body).get("status") == "ok", body)

    status, headers, _ = call(f"{args.http}/api/v1/movies/")
    c.check(
        "plain HTTP redirects to HTTPS",
        status == 301 and headers.get("Location", "").startswith("https://"),
        (status, headers.get("Location")),
    )

    status, headers, _ = call(f"{api}/movies/")
    wanted = {
        "Strict-Transport-Security": "max-age=31536000",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        "Content-Security-Policy": "default-src 'none'",  # the app's, for data: loads nothing
    }
    missing = {k: headers.get(k) for k, v in wanted.items() if v not in (headers.get(k) or "")}
    c.check("security headers present", status == 200 and not missing, missing)
    status, headers, _ = call(f"{args.https}/")
    policy = headers.get("Content-Security-Policy") or ""
    c.check(
        "the app's page CSP passes nginx, once",
        status == 200 and policy.startswith("default-src 'self'; script-src 'self';") and "," not in policy,
        policy,
    )

    status, headers, body = call(f"{args.https}/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    c.check("static files served by nginx", status == 200 and len(body) > 10000, status)
    nginx_own = {k: v for k, v in wanted.items() if k != "Content-Security-Policy"}  # nosniff, HSTS, …
    missing = {k: headers.get(k) for k, v in nginx_own.items() if v not in (headers.get(k) or "")}
    c.check("static files keep the security headers", not missing, missing)
    # A poster of a few MB reaches the back office (the rest of the site keeps 1 MB);
    # Django answers the tokenless POST with 403.
    status, _, _ = call(f"{args.https}/admin/login/", "POST", "x" * 3_000_000)
    c.check("the admin takes a 3 MB upload", status == 403, status)

    # register → login → seat map → hold → pay → QR, through nginx
    email = f"stack-{uuid.uuid4().hex[:10]}@example.com"
    password = "Stack-test-pass-42"
    status, _, body = call(
        f"{api}/auth/register/", "POST", {"email": email, "password": password, "first_name": "S", "last_name": "T"}
    )
    c.check("register", status == 201, body)
    status, _, body = call(f"{api}/auth/login/", "POST", {"email": email, "password": password})
    token = as_json(body).get("access", "")
    c.check("login", status == 200 and token, body)
    auth = {"Authorization": f"Bearer {token}"}
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    status, _, body = call(f"{api}/sessions/?available=true&date_from={tomorrow}&page_size=1")
    sessions = as_json(body).get("results", [])
    c.check("find a session", status == 200 and sessions, body)
    session_id = sessions[0]["id"] if sessions else 0
    status, _, body = call(f"{api}/sessions/{session_id}/seats/")
    free = [s for s in as_json(body).get("seats", []) if s["status"] == "free"][:2]
    c.check("seat map", status == 200 and len(free) == 2, status)
    seats = [{"row": s["row"], "seat": s["seat"]} for s in free]
    status, _, body = call(f"{api}/tickets/", "POST", {"session": session_id, "seats": seats}, auth)
    booking = as_json(body)
    c.check("hold two seats", status == 201 and len(booking.get("tickets", [])) == 2, body)
    ticket_id = booking.get("tickets", [{}])[0].get("id", 0)
    pay_headers = {**auth, "Idempotency-Key": uuid.uuid4().hex}
    pay = {"payment_method": "card"}
    status, _, body = call(f"{api}/tickets/{ticket_id}/pay/", "POST", pay, pay_headers)
    payment = as_json(body).get("payment", {})
    c.check("pay: a pending payment to confirm", status == 201 and payment.get("confirmation_url"), body)
    status, headers, _ = call(f"{api}/tickets/{ticket_id}/pay/", "POST", pay, pay_headers)
    c.check("pay replayed with the same key", status == 201 and headers.get("Idempotent-Replayed") == "true", status)
    status, _, body = call(f"{api}/payments/{payment.get('id', 0)}/", headers=auth)
    c.check("the payment, as the pages poll it", status == 200 and as_json(body).get("status") == "pending", body)
    url = payment.get("confirmation_url", "")
    status, headers, _ = post_form(url, {"card_number": "4242424242424242"}, site=args.https) if url else (0, {}, b"")
    c.check("the provider's card page takes the test card and sends the customer back", status in (302, 303), status)
    # No Celery worker runs yet (the jobs checks start one): the provider's webhook is sent as it would be.
    status, _, body = send_provider_webhook(api, provider_id_of(url))
    c.check("the provider's signed webhook is accepted through nginx", status == 200, body)
    status, polled = wait_for_status(api, payment.get("id", 0), auth)
    c.check("the payment succeeded", status == 200 and polled.get("paid_at"), polled)
    status, headers, body = call(f"{api}/tickets/{ticket_id}/qr/", headers=auth)
    c.check("QR code", status == 200 and body[:8] == b"\x89PNG\r\n\x1a\n", status)

    # /metrics: refused by nginx, served to the scraper directly
    status, _, _ = call(f"{args.https}/metrics")
    c.check("/metrics refused through nginx", status == 404, status)
    status, _, body = call(f"{args.direct}/metrics")
    c.check(
        "/metrics served directly, with business counters",
        status == 200 and b"cinema_tickets_sold_total" in body and b"django_http_requests" in body,
        status,
    )

    # one JSON log line per request, carrying the request id
    request_id = f"stack-{uuid.uuid4().hex}"
    status, headers, _ = call(f"{api}/cinemas/", headers={"X-Request-ID": request_id})
    c.check("request id returned", headers.get("X-Request-ID") == request_id, headers.get("X-Request-ID"))
    lines = []
    for _ in range(20):  # the line is written before the response leaves; allow for buffering
        with open(args.log, encoding="utf-8") as log:
            lines = [json.loads(line) for line in log if request_id in line]
        if lines:
            break
        threading.Event().wait(0.1)
    access = [entry for entry in lines if entry.get("logger") == "cinema.access"]
    c.check(
        "one JSON access line with the request id",
        len(access) == 1
        and access[0].get("path") == "/api/v1/cinemas/"
        and access[0].get("status") == 200
        and "duration_ms" in access[0],
        lines,
    )
    with open(args.log, encoding="utf-8") as log:
        text = log.read()
    c.check(
        "no password, token or card number in the logs",
        password not in text and token not in text and "4242424242424242" not in text,
    )

    # nginx answers 429 past the burst on the login path
    statuses = [call(f"{api}/auth/login/", "POST", {"email": email, "password": "wrong"})[0] for _ in range(15)]
    c.check("nginx limits login bursts with 429", statuses.count(429) >= 5, statuses)

    # The app's throttle holds across 3 workers sharing Redis: 32 parallel clients,
    # 256 login attempts, limit 50 per day per IP → at most 50 get past it.
    results = []
    lock = threading.Lock()

    def hammer():
        for _ in range(8):
            status, _, _ = call(
                f"{args.throttle}/api/v1/auth/login/",
                "POST",
                {"email": f"x{uuid.uuid4().hex[:8]}@example.com", "password": "x"},
            )
            with lock:
                results.append(status)

    threads = [threading.Thread(target=hammer) for _ in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    through = sum(1 for s in results if s != 429)
    c.check(
        f"app throttle across 3 workers: {through} of {len(results)} through, limit 50",
        45 <= through <= 50 and results.count(429) == len(results) - through and 500 not in results,
        results,
    )

    print(f"{c.passed} passed, {c.failed} failed")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
