"""YooKassa through its SDK, against recorded HTTP exchanges (``responses``): no network."""

import json

import pytest
import responses
from django.test import Client

from booking import services
from booking.models import Payment, Refund, TicketStatus
from booking.services import payments as payment_flow
from booking.services import refund_attempt

pytestmark = pytest.mark.django_db
API = "https://api.yookassa.ru/v3"
PAYMENT_ID = "2d9f6c5b-000f-5000-8000-18db351245c7"
YOOKASSA_SENDER = "185.71.76.10"


@pytest.fixture(autouse=True)
def yookassa(settings):
    settings.PAYMENT_PROVIDER = "yookassa"
    settings.YOOKASSA_SHOP_ID = "123456"
    settings.YOOKASSA_SECRET_KEY = "test_secret"
    settings.YOOKASSA_API_URL = API
    settings.YOOKASSA_RECEIPTS = True
    settings.YOOKASSA_VAT_CODE = 4
    settings.YOOKASSA_CHECK_IP = True
    settings.SITE_URL = "https://kino.example"
    with responses.RequestsMock() as api:
        yield api


def recorded_payment(status="pending", metadata=None, amount="800.00"):
    """A payment as YooKassa's API answers it (shape from its documentation)."""
    body = {
        "id": PAYMENT_ID,
        "status": status,
        "paid": status == "succeeded",
        "amount": {"value": amount, "currency": "RUB"},
        "created_at": "2026-12-01T20:00:00.000Z",
        "description": "Booking",
        "metadata": metadata or {},
        "recipient": {"account_id": "123456", "gateway_id": "2345678"},
        "refundable": status == "succeeded",
        "test": True,
    }
    if status == "pending":
        body["confirmation"] = {
            "type": "redirect",
            "return_url": "/tickets/",
            "confirmation_url": f"https://yoomoney.ru/checkout/payments/v2/contract?orderId={PAYMENT_ID}",
        }
    if status == "canceled":
        body["cancellation_details"] = {"party": "yoo_money", "reason": "expired_on_confirmation"}
    return body


def start(customer, session, yookassa):
    booking = services.ticket_hold(user=customer, session_id=session.pk, seats=[(2, 2), (2, 3)])
    yookassa.add(responses.POST, f"{API}/payments", json=recorded_payment())
    ticket = booking.tickets.order_by("pk").first()
    started = payment_flow.ticket_pay(user=customer, ticket_id=ticket.pk, idempotency_key="k1")
    return booking, started.payment


def notify(event="payment.succeeded", sender=YOOKASSA_SENDER, object_id=PAYMENT_ID):
    body = {"type": "notification", "event": event, "object": {"id": object_id, "status": "succeeded"}}
    return Client().post(
        "/api/v1/payments/webhooks/yookassa/", data=json.dumps(body), content_type="application/json",
        REMOTE_ADDR=sender,
    )  # fmt: skip


def test_a_payment_is_created_with_an_idempotence_key_redirect_capture_metadata_and_receipt(
    customer, session, yookassa
):
    booking, payment = start(customer, session, yookassa)
    sent = yookassa.calls[0].request
    body = json.loads(sent.body)
    assert sent.headers["Idempotence-Key"] == f"payment-{payment.pk}"
    assert sent.headers["Authorization"].startswith("Basic ")
    assert body["amount"] == {"value": "800.00", "currency": "RUB"}
    assert body["confirmation"] == {"type": "redirect", "return_url": "https://kino.example/tickets/"}
    assert body["capture"] is True
    assert body["metadata"].items() >= {"booking": booking.reference, "payment": str(payment.pk)}.items()
    items = body["receipt"]["items"]
    assert len(items) == 2 and {i["vat_code"] for i in items} == {4}
    assert items[0]["amount"] == {"value": "400.00", "currency": "RUB"} and float(items[0]["quantity"]) == 1
    assert body["receipt"]["customer"] == {"email": customer.email}
    assert payment.provider == "yookassa" and payment.provider_reference == PAYMENT_ID
    assert payment.confirmation_url.startswith("https://yoomoney.ru/checkout/")


def test_a_replay_after_a_crash_sends_the_same_receipt(customer, session, yookassa):
    from unittest import mock

    booking = services.ticket_hold(user=customer, session_id=session.pk, seats=[(2, 2), (2, 3)])
    ticket = booking.tickets.order_by("pk").first()
    with mock.patch.object(payment_flow, "_start_at_provider", side_effect=RuntimeError("killed")):
        with pytest.raises(RuntimeError):  # step 1 recorded, the process died before the provider was asked
            payment_flow.ticket_pay(user=customer, ticket_id=ticket.pk, idempotency_key="k1")
    yookassa.add(responses.POST, f"{API}/payments", json=recorded_payment())
    payment_flow.ticket_pay(user=customer, ticket_id=ticket.pk, idempotency_key="k1")  # the replay resumes step 2
    receipt = json.loads(yookassa.calls[0].request.body)["receipt"]
    title = session.movie.title
    assert [i["description"] for i in receipt["items"]] == [f"{title}: row 2, seat 2", f"{title}: row 2, seat 3"]
    assert [i["amount"]["value"] for i in receipt["items"]] == ["400.00", "400.00"]
    assert receipt["customer"] == {"email": customer.email}


def test_the_return_address_is_always_whole(customer, session, yookassa):
    booking = services.ticket_hold(user=customer, session_id=session.pk, seats=[(2, 2)])
    ticket = booking.tickets.get()
    yookassa.add(responses.POST, f"{API}/payments", json=recorded_payment())
    payment_flow.ticket_pay(
        user=customer, ticket_id=ticket.pk, idempotency_key="k2", return_url=f"/orders/{booking.reference}/"
    )
    sent = json.loads(yookassa.calls[0].request.body)["confirmation"]["return_url"]
    assert sent == f"https://kino.example/orders/{booking.reference}/"  # not a path on YooKassa's own site


def test_without_receipts_none_is_sent(customer, session, yookassa, settings):
    settings.YOOKASSA_RECEIPTS = False
    start(customer, session, yookassa)
    assert "receipt" not in json.loads(yookassa.calls[0].request.body)


def test_a_notification_is_read_back_from_the_api_before_anything_changes(customer, session, yookassa):
    booking, payment = start(customer, session, yookassa)
    yookassa.add(responses.GET, f"{API}/payments/{PAYMENT_ID}", json=recorded_payment("succeeded"))
    response = notify()
    assert response.status_code == 200 and response.json()["outcome"] == "paid"
    assert yookassa.calls[-1].request.method == "GET"
    assert Payment.objects.get(pk=payment.pk).status == "succeeded"
    assert set(booking.tickets.values_list("status", flat=True)) == {TicketStatus.PAID}


def test_a_notification_claiming_success_for_a_pending_payment_changes_nothing(customer, session, yookassa):
    booking, payment = start(customer, session, yookassa)
    yookassa.add(responses.GET, f"{API}/payments/{PAYMENT_ID}", json=recorded_payment("pending"))
    assert notify().status_code == 400
    assert Payment.objects.get(pk=payment.pk).status == "pending"


def test_a_notification_from_elsewhere_is_refused_without_asking_the_api(customer, session, yookassa):
    start(customer, session, yookassa)
    assert notify(sender="203.0.113.9").status_code == 400
    assert len(yookassa.calls) == 1  # only the creation


def test_the_sender_check_can_be_turned_off(customer, session, yookassa, settings):
    settings.YOOKASSA_CHECK_IP = False
    start(customer, session, yookassa)
    yookassa.add(responses.GET, f"{API}/payments/{PAYMENT_ID}", json=recorded_payment("canceled"))
    assert notify("payment.canceled", sender="203.0.113.9").status_code == 200
    assert Payment.objects.get().status == "canceled"


def test_an_unreachable_api_during_a_notification_is_503_so_yookassa_sends_it_again(customer, session, yookassa):
    start(customer, session, yookassa)
    yookassa.add(responses.GET, f"{API}/payments/{PAYMENT_ID}", status=500, json={"type": "error", "code": "internal"})
    assert notify().status_code == 503
    assert Payment.objects.get().status == "pending"


def test_a_refund_goes_through_the_api_with_its_idempotence_key(customer, session, yookassa):
    booking, payment = start(customer, session, yookassa)
    yookassa.add(responses.GET, f"{API}/payments/{PAYMENT_ID}", json=recorded_payment("succeeded"))
    notify()
    ticket = booking.tickets.order_by("pk").first()
    services.ticket_cancel(ticket=ticket, by=customer)
    refund = Refund.objects.get()
    yookassa.add(
        responses.POST,
        f"{API}/refunds",
        json={
            "id": "216749f7-0016-50be-b000-078d43a63ae4",
            "status": "succeeded",
            "amount": {"value": "400.00", "currency": "RUB"},
            "created_at": "2026-12-01T20:05:00.000Z",
            "payment_id": PAYMENT_ID,
        },
    )
    assert refund_attempt(refund_id=refund.pk) == "succeeded"
    sent = yookassa.calls[-1].request
    assert sent.headers["Idempotence-Key"] == refund.idempotency_key
    sent_body = json.loads(sent.body)
    assert sent_body["payment_id"] == PAYMENT_ID and sent_body["amount"] == {"value": "400.00", "currency": "RUB"}
    assert Payment.objects.get(pk=payment.pk).status == "partially_refunded"


def test_a_refused_refund_is_counted_and_kept_pending_for_a_retry(customer, session, yookassa):
    booking, _ = start(customer, session, yookassa)
    yookassa.add(responses.GET, f"{API}/payments/{PAYMENT_ID}", json=recorded_payment("succeeded"))
    notify()
    services.ticket_cancel(ticket=booking.tickets.order_by("pk").first(), by=customer)
    yookassa.add(
        responses.POST,
        f"{API}/refunds",
        status=400,
        json={"type": "error", "code": "invalid_request", "description": "Refund amount exceeds payment"},
    )
    refund = Refund.objects.get()
    assert refund_attempt(refund_id=refund.pk) == "retry"
    refund.refresh_from_db()
    assert refund.status == "pending" and refund.attempts == 1 and refund.last_error
