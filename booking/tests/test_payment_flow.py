"""Paying at the provider: the pay endpoint, the fake provider's page and webhooks,
settling, late payments, reconciliation, refunds as jobs."""

import json
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
import responses
from django.test import Client
from django.utils import timezone

from booking import services
from booking.models import Booking, Payment, ProcessedWebhookEvent, Refund, Ticket, TicketStatus
from booking.providers.fake.models import FakePspEvent, FakePspPayment
from booking.providers.fake.provider import pay_on_page, sign
from booking.services import payments as payment_flow
from conftest import pay_booking

pytestmark = pytest.mark.django_db
WEBHOOK = "/api/v1/payments/webhooks/fake/"
APPROVE, DECLINE, REFUSES_REFUNDS = "4242424242424242", "4000000000000002", "4000000000000341"


def hold(user, session, seats=((2, 2), (2, 3))):
    return services.ticket_hold(user=user, session_id=session.pk, seats=list(seats))


def pay_request(client, booking, key="k1", body=None):
    ticket = booking.tickets.order_by("pk").first()
    return client.post(
        f"/api/v1/tickets/{ticket.pk}/pay/", body or {"payment_method": "card"}, format="json", HTTP_IDEMPOTENCY_KEY=key
    )


@pytest.fixture
def webhooks(settings):
    """The fake provider's webhook deliveries, carried to this app's endpoint
    (``responses`` in place of the network); the list of answers given."""
    settings.PAYMENT_FAKE_WEBHOOK_URL = "http://provider-to-us.test/webhook/"
    app, answers = Client(), []

    def forward(request):
        answer = app.post(
            WEBHOOK,
            data=request.body,
            content_type="application/json",
            headers={"X-Fake-PSP-Signature": request.headers.get("X-Fake-PSP-Signature", "")},
        )
        answers.append(answer.status_code)
        return answer.status_code, {}, answer.content

    with responses.RequestsMock(assert_all_requests_are_fired=False) as wire:
        wire.add_callback(responses.POST, settings.PAYMENT_FAKE_WEBHOOK_URL, callback=forward)
        yield answers


def checkout(payment_id, django_capture_on_commit_callbacks, **form):
    """The customer on the fake provider's page (its webhook jobs run after)."""
    with django_capture_on_commit_callbacks(execute=True):
        return Client().post(f"/fake-psp/checkout/{payment_id}/", form)


def signed_post(client, body: dict, signature=None):
    raw = json.dumps(body).encode()
    return client.post(
        WEBHOOK, data=raw, content_type="application/json", HTTP_X_FAKE_PSP_SIGNATURE=signature or sign(raw)
    )


def event(payment, event_type="payment.succeeded", event_id="evt_1", status="succeeded"):
    return {
        "id": event_id,
        "type": event_type,
        "object": {
            "id": payment.provider_reference,
            "status": status,
            "amount": {"value": str(payment.amount), "currency": payment.currency},
            "metadata": {"booking": payment.booking.reference},
        },
    }


def started_payment(user, booking, key="k1"):
    ticket = booking.tickets.order_by("pk").first()
    return payment_flow.ticket_pay(user=user, ticket_id=ticket.pk, idempotency_key=key).payment


# --- POST /tickets/{id}/pay/ -------------------------------------------------------


def test_pay_answers_201_with_a_pending_payment_to_confirm_at_the_provider(customer, customer_client, session):
    booking = hold(customer, session)
    response = pay_request(customer_client, booking)
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"payment", "booking"}
    payment = body["payment"]
    assert set(payment) == {"id", "status", "amount", "currency", "confirmation_url", "expires_at"}
    assert payment["status"] == "pending" and payment["amount"] == "800.00" and payment["currency"] == "RUB"
    provider_id = Payment.objects.get(pk=payment["id"]).provider_reference
    assert payment["confirmation_url"] == f"http://testserver/fake-psp/checkout/{provider_id}/"
    assert body["booking"]["reference"] == booking.reference and body["booking"]["status"] == "reserved"
    assert "Idempotent-Replayed" not in response.headers


def test_the_same_key_and_body_replays_without_a_second_provider_payment(customer, customer_client, session):
    booking = hold(customer, session)
    first = pay_request(customer_client, booking, key="same")
    again = pay_request(customer_client, booking, key="same")
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["payment"] == first.json()["payment"]
    assert FakePspPayment.objects.count() == 1 and Payment.objects.count() == 1


def test_the_same_key_with_another_body_is_409(customer, customer_client, session):
    booking = hold(customer, session)
    pay_request(customer_client, booking, key="same")
    other = pay_request(customer_client, booking, key="same", body={"payment_method": "card", "return_url": "/x/"})
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"


@pytest.mark.parametrize("field", ["card_number", "pan", "cvc", "cvv", "expiry"])
def test_card_data_in_the_body_is_refused(customer, customer_client, session, field):
    booking = hold(customer, session)
    response = pay_request(customer_client, booking, body={"payment_method": "card", field: "4242424242424242"})
    assert response.status_code == 400 and response.json()["code"] == "card_data_not_accepted"
    assert not Payment.objects.exists()


@pytest.mark.parametrize("url", ["//evil.example/", "http://evil.example/", "javascript:alert(1)"])
def test_a_return_url_off_site_and_not_https_is_refused(customer, customer_client, session, url):
    response = pay_request(customer_client, hold(customer, session), body={"payment_method": "card", "return_url": url})
    assert response.status_code == 400 and "return_url" in response.json()["errors"]


def test_paying_a_paid_booking_is_409(customer, customer_client, session):
    booking = hold(customer, session)
    pay_booking(customer, booking)
    response = pay_request(customer_client, booking, key="again")
    assert response.status_code == 409 and response.json()["code"] == "already_paid"


def test_paying_a_lapsed_hold_is_409(customer, customer_client, session):
    booking = hold(customer, session)
    Booking.objects.filter(pk=booking.pk).update(reserved_until=timezone.now() - timedelta(seconds=1))
    response = pay_request(customer_client, booking)
    assert response.status_code == 409 and response.json()["code"] == "hold_expired"


def test_paying_someone_elses_ticket_is_404(customer, other_client, session):
    response = pay_request(other_client, hold(customer, session))
    assert response.status_code == 404


def test_a_second_key_while_a_payment_waits_is_409_naming_it(customer, customer_client, session):
    booking = hold(customer, session)
    first = pay_request(customer_client, booking, key="a").json()["payment"]
    second = pay_request(customer_client, booking, key="b")
    assert second.status_code == 409 and second.json()["code"] == "payment_in_progress"
    assert second.json()["details"]["payment"] == first["id"]


def test_a_short_hold_is_extended_to_the_confirmation_time(customer, session, settings):
    booking = hold(customer, session)
    soon = timezone.now() + timedelta(minutes=1)
    Booking.objects.filter(pk=booking.pk).update(reserved_until=soon)
    Ticket.objects.filter(booking=booking).update(reserved_until=soon)
    before = timezone.now()
    payment = started_payment(customer, booking)
    booking.refresh_from_db()
    wanted = before + timedelta(minutes=settings.PAYMENT_CONFIRM_MINUTES)
    assert wanted <= booking.reserved_until <= wanted + timedelta(seconds=5)
    assert payment.expires_at == booking.reserved_until
    assert set(booking.tickets.values_list("reserved_until", flat=True)) == {booking.reserved_until}


def test_the_extension_never_passes_25_minutes_from_the_hold(customer, session):
    booking = hold(customer, session)
    started = timezone.now() - timedelta(minutes=24)
    soon = timezone.now() + timedelta(seconds=30)
    Booking.objects.filter(pk=booking.pk).update(created_at=started, reserved_until=soon)
    Ticket.objects.filter(booking=booking).update(reserved_until=soon)
    started_payment(customer, booking)
    booking.refresh_from_db()
    assert booking.reserved_until == started + timedelta(minutes=25)


def test_an_unreachable_provider_is_503_and_the_same_key_can_try_again(customer, customer_client, session):
    from booking.providers.base import ProviderError
    from booking.providers.fake.provider import FakeProvider

    booking = hold(customer, session)
    with mock.patch.object(FakeProvider, "create_payment", side_effect=ProviderError("down")):
        response = pay_request(customer_client, booking, key="k")
    assert response.status_code == 503 and response.json()["code"] == "payment_provider_unavailable"
    assert pay_request(customer_client, booking, key="k").status_code == 201


# --- The fake provider's page and its webhooks --------------------------------------------


def test_the_card_page_is_a_form_without_inline_script(customer, session):
    payment = started_payment(customer, hold(customer, session))
    page = Client().get(f"/fake-psp/checkout/{payment.provider_reference}/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200 and 'name="card_number"' in html and "<label" in html
    assert "<script" not in html and "onclick" not in html and "style=" not in html
    assert "script-src 'self'" in page["Content-Security-Policy"]  # the strict policy of every page applies


def test_the_card_page_speaks_russian(customer, session):
    payment = started_payment(customer, hold(customer, session))
    page = Client().get(f"/fake-psp/checkout/{payment.provider_reference}/", HTTP_ACCEPT_LANGUAGE="ru")
    assert "Номер карты" in page.content.decode()


def test_paying_on_the_page_redirects_back_and_the_webhook_pays_the_tickets(
    customer, session, webhooks, django_capture_on_commit_callbacks
):
    booking = hold(customer, session)
    payment = started_payment(customer, booking)
    page = checkout(payment.provider_reference, django_capture_on_commit_callbacks, card_number=APPROVE)
    assert page.status_code == 302 and page["Location"] == "/tickets/"
    assert webhooks == [200]
    payment.refresh_from_db()
    assert payment.status == "succeeded" and payment.paid_at is not None
    assert set(booking.tickets.values_list("status", flat=True)) == {TicketStatus.PAID}
    session.refresh_from_db()
    assert session.seats_sold == 2


def test_a_declined_card_fails_the_payment_and_keeps_the_hold(
    customer, session, webhooks, django_capture_on_commit_callbacks
):
    booking = hold(customer, session)
    payment = started_payment(customer, booking)
    checkout(payment.provider_reference, django_capture_on_commit_callbacks, card_number=DECLINE)
    payment.refresh_from_db()
    assert (payment.status, payment.failure_reason) == ("failed", "card_declined")
    assert set(booking.tickets.values_list("status", flat=True)) == {TicketStatus.RESERVED}
    assert pay_booking(customer, booking, key="second try").status == "succeeded"


def test_3d_secure_asks_for_a_code_then_pays(customer, session, webhooks, django_capture_on_commit_callbacks):
    booking = hold(customer, session)
    payment = started_payment(customer, booking)
    asked = checkout(payment.provider_reference, django_capture_on_commit_callbacks, card_number="4000000000003220")
    assert asked.status_code == 200 and 'name="code"' in asked.content.decode()
    assert Payment.objects.get(pk=payment.pk).status == "pending"
    done = checkout(payment.provider_reference, django_capture_on_commit_callbacks, code="1234")
    assert done.status_code == 302 and Payment.objects.get(pk=payment.pk).status == "succeeded"


def test_a_refused_webhook_is_delivered_again(customer, session, settings, django_capture_on_commit_callbacks):
    settings.PAYMENT_FAKE_WEBHOOK_URL = "http://provider-to-us.test/webhook/"
    payment = started_payment(customer, hold(customer, session))
    with responses.RequestsMock() as wire:
        wire.add(responses.POST, settings.PAYMENT_FAKE_WEBHOOK_URL, status=503)
        wire.add(responses.POST, settings.PAYMENT_FAKE_WEBHOOK_URL, status=200)
        checkout(payment.provider_reference, django_capture_on_commit_callbacks, card_number=APPROVE)
        assert len(wire.calls) == 2
    delivered = FakePspEvent.objects.get()
    assert delivered.attempts == 2 and delivered.delivered_at is not None


# --- The webhook endpoint ------------------------------------------------------------


@pytest.mark.parametrize("signature", ["", "sha256=" + "0" * 64, "sha1=abc"])
def test_a_forged_or_unsigned_webhook_is_400_and_changes_nothing(customer, session, signature):
    booking = hold(customer, session)
    payment = started_payment(customer, booking)
    raw = json.dumps(event(payment)).encode()
    response = Client().post(WEBHOOK, data=raw, content_type="application/json", HTTP_X_FAKE_PSP_SIGNATURE=signature)
    assert response.status_code == 400 and response.json()["code"] == "webhook_rejected"
    assert Payment.objects.get(pk=payment.pk).status == "pending"
    assert not ProcessedWebhookEvent.objects.exists()


def test_the_same_event_twice_has_one_effect(customer, session):
    booking = hold(customer, session)
    payment = started_payment(customer, booking)
    client = Client()
    assert signed_post(client, event(payment)).json()["outcome"] == "paid"
    again = signed_post(client, event(payment))
    assert again.status_code == 200 and again.json()["outcome"] == "duplicate"
    session.refresh_from_db()
    customer.refresh_from_db()
    assert session.seats_sold == 2 and customer.tickets_purchased == 2


def test_a_late_cancel_never_undoes_a_success(customer, session):
    booking = hold(customer, session)
    payment = started_payment(customer, booking)
    client = Client()
    signed_post(client, event(payment))
    late = signed_post(client, event(payment, "payment.canceled", "evt_2", "canceled"))
    assert late.status_code == 200
    assert Payment.objects.get(pk=payment.pk).status == "succeeded"
    assert set(booking.tickets.values_list("status", flat=True)) == {TicketStatus.PAID}


def test_an_unknown_payment_is_200_and_changes_nothing(customer, session):
    payment = started_payment(customer, hold(customer, session))
    payment.provider_reference = "fakepay_nobody"
    response = signed_post(Client(), event(payment))
    assert response.status_code == 200 and response.json()["outcome"] == "unknown_payment"
    assert Payment.objects.get(pk=payment.pk).status == "pending"


def test_a_malformed_but_signed_body_is_400(db):
    raw = b'{"id": "evt", "type": "payment.succeeded"}'
    response = Client().post(WEBHOOK, data=raw, content_type="application/json", HTTP_X_FAKE_PSP_SIGNATURE=sign(raw))
    assert response.status_code == 400


def test_webhooks_of_a_provider_not_configured_are_404(db):
    assert (
        Client().post("/api/v1/payments/webhooks/yookassa/", data=b"{}", content_type="application/json").status_code
        == 404
    )


# --- GET /payments/{id}/ ---------------------------------------------------------------


def test_the_buyer_and_managers_read_a_payment_others_do_not(
    customer, customer_client, other_client, manager_client, session
):
    booking = hold(customer, session)
    payment = pay_booking(customer, booking)
    mine = customer_client.get(f"/api/v1/payments/{payment.pk}/")
    assert mine.status_code == 200
    assert set(mine.json()) == {
        "id", "status", "amount", "currency", "booking", "confirmation_url", "failure_reason", "created_at", "paid_at"
    }  # fmt: skip
    assert mine.json()["status"] == "succeeded" and mine.json()["booking"] == booking.reference
    assert manager_client.get(f"/api/v1/payments/{payment.pk}/").status_code == 200
    assert other_client.get(f"/api/v1/payments/{payment.pk}/").status_code == 404


# --- Late payments, crashes, reconciliation ------------------------------------------------


def _lapse(booking):
    past = timezone.now() - timedelta(seconds=1)
    Booking.objects.filter(pk=booking.pk).update(reserved_until=past)
    Ticket.objects.filter(booking=booking).update(reserved_until=past)


def test_a_late_success_issues_the_tickets_when_the_seats_are_still_free(customer, session):
    booking = hold(customer, session)
    payment = started_payment(customer, booking)
    _lapse(booking)
    services.holds_expire()
    signed_post(Client(), event(payment))
    assert set(booking.tickets.values_list("status", flat=True)) == {TicketStatus.PAID}
    assert not Refund.objects.exists()


def test_a_late_success_after_resale_is_refunded(customer, other_customer, session, django_capture_on_commit_callbacks):
    booking = hold(customer, session)
    payment = started_payment(customer, booking)
    _lapse(booking)
    pay_booking(other_customer, hold(other_customer, session))  # the same seats, sold to someone else
    pay_on_page(FakePspPayment.objects.get(pk=payment.provider_reference), card_number=APPROVE)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = signed_post(Client(), event(payment)).json()["outcome"]
    assert outcome == "refunded"
    refund = Refund.objects.get(payment=payment)
    assert refund.reason == "late_payment" and refund.amount == payment.amount and refund.status == "succeeded"
    assert Payment.objects.get(pk=payment.pk).status == "refunded"
    assert not booking.tickets.filter(status=TicketStatus.PAID).exists()
    session.refresh_from_db()
    assert session.seats_sold == 2  # the other customer's


def test_a_crash_after_step_one_is_repaired_by_reconcile(customer, customer_client, session):
    booking = hold(customer, session)
    with mock.patch.object(payment_flow, "_start_at_provider", side_effect=RuntimeError("killed")):
        with pytest.raises(RuntimeError):
            started_payment(customer, booking, key="crash")
    stuck = Payment.objects.get()
    assert stuck.status == "pending" and not stuck.provider_reference
    report = payment_flow.payments_reconcile(now=timezone.now() + timedelta(minutes=10))
    assert report.settled == 1
    stuck.refresh_from_db()
    assert (stuck.status, stuck.failure_reason) == ("canceled", "not_started")
    Booking.objects.filter(pk=booking.pk).update(reserved_until=timezone.now() + timedelta(minutes=5))
    Ticket.objects.filter(booking=booking).update(reserved_until=timezone.now() + timedelta(minutes=5))
    assert pay_booking(customer, booking).status == "succeeded"


def test_a_replay_after_a_crash_resumes_at_the_provider(customer, session):
    booking = hold(customer, session)
    with mock.patch.object(payment_flow, "_start_at_provider", side_effect=RuntimeError("killed")):
        with pytest.raises(RuntimeError):
            started_payment(customer, booking, key="crash")
    payment = started_payment(customer, booking, key="crash")
    assert payment.provider_reference and payment.confirmation_url


def test_reconcile_settles_a_payment_whose_webhook_was_lost(customer, session):
    booking = hold(customer, session)
    payment = started_payment(customer, booking)
    pay_on_page(FakePspPayment.objects.get(pk=payment.provider_reference), card_number=APPROVE)  # no delivery
    assert payment_flow.payments_reconcile().checked == 0  # too young to ask about
    payment_flow.payments_reconcile(now=timezone.now() + timedelta(minutes=10))
    assert Payment.objects.get(pk=payment.pk).status == "succeeded"
    assert set(booking.tickets.values_list("status", flat=True)) == {TicketStatus.PAID}


def test_the_reconcile_command_runs(db, capsys):
    from django.core.management import call_command

    call_command("payments_reconcile")
    assert "pending payment(s) checked" in capsys.readouterr().out


# --- Refunds as jobs -----------------------------------------------------------------


def test_a_customer_refund_is_made_by_its_job_after_the_commit(customer, session, django_capture_on_commit_callbacks):
    booking = hold(customer, session)
    payment = pay_booking(customer, booking)
    ticket = booking.tickets.order_by("pk").first()
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_cancel(ticket=ticket, by=customer)
    refund = Refund.objects.get(ticket=ticket)
    assert refund.status == "succeeded" and refund.provider_reference.startswith("fakere_")
    payment.refresh_from_db()
    assert payment.status == "partially_refunded" and payment.refunded_amount == ticket.price


def test_session_cancel_keeps_the_refunds_made_and_retries_the_refused_one(
    customer, other_customer, session, settings, django_capture_on_commit_callbacks, admin_user
):
    settings.REFUND_MAX_ATTEMPTS = 3
    ok = pay_booking(customer, hold(customer, session))
    refused = pay_booking(other_customer, hold(other_customer, session, [(4, 4)]), card=REFUSES_REFUNDS)
    with django_capture_on_commit_callbacks(execute=True):
        result = services.session_cancel(session=session, by=None, reason="projector broke")
    assert result.refunded_tickets == 3
    assert set(Refund.objects.filter(payment=ok).values_list("status", flat=True)) == {"succeeded"}
    failing = Refund.objects.get(payment=refused)
    assert failing.status == "failed" and failing.attempts == 3 and "refused" in failing.last_error
    assert Payment.objects.get(pk=ok.pk).status == "refunded"
    assert not Ticket.objects.filter(session=session).live().exists()

    # A manager retries it from the admin once the issuer accepts refunds again.
    FakePspPayment.objects.filter(pk=refused.provider_reference).update(refuses_refunds=False)
    client = Client()
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/booking/refund/", {"action": "retry", "_selected_action": [failing.pk]}, HTTP_HOST="testserver"
        )
    failing.refresh_from_db()
    assert failing.status == "succeeded"
    assert Payment.objects.get(pk=refused.pk).status == "refunded"


def test_a_refund_succeeded_webhook_settles_a_pending_refund_once(customer, session):
    booking = hold(customer, session)
    payment = pay_booking(customer, booking)
    ticket = booking.tickets.order_by("pk").first()
    services.ticket_cancel(ticket=ticket, by=customer)  # its job never runs here
    refund = Refund.objects.get()
    refund.provider_reference = "fakere_1"
    refund.save()
    body = {
        "id": "evt_r",
        "type": "refund.succeeded",
        "object": {"id": "fakere_1", "status": "succeeded", "amount": {"value": "400.00", "currency": "RUB"},
                   "payment_id": payment.provider_reference, "metadata": {"booking": booking.reference}},
    }  # fmt: skip
    assert signed_post(Client(), body).json()["outcome"] == "refund_succeeded"
    assert Refund.objects.get().status == "succeeded"
    assert Payment.objects.get(pk=payment.pk).refunded_amount == Decimal("400.00")


def test_the_fake_psp_page_is_404_for_another_provider(customer, session, settings):
    booking = hold(customer, session)
    payment = started_payment(customer, booking)
    page = f"/fake-psp/checkout/{payment.provider_reference}/"
    assert Client().get(page).status_code == 200
    settings.PAYMENT_PROVIDER = "yookassa"  # read per request: no restart, no URLconf reload
    assert Client().get(page).status_code == 404
    assert Client().post(page, {"card_number": APPROVE}).status_code == 404
    assert FakePspPayment.objects.get(pk=payment.provider_reference).status == "pending"


def test_a_ticket_released_while_paying_is_paid_back_and_the_rest_issued(customer, session):
    booking = hold(customer, session)
    payment = started_payment(customer, booking)
    released = booking.tickets.order_by("pk").first()
    services.ticket_cancel(ticket=released, by=customer)
    signed_post(Client(), event(payment))
    assert set(booking.tickets.values_list("status", flat=True)) == {TicketStatus.PAID, TicketStatus.CANCELLED}
    refund = Refund.objects.get(payment=payment)
    assert refund.amount == released.price and refund.ticket is None
    customer.refresh_from_db()
    assert customer.total_spent == payment.amount - released.price


def test_the_openapi_schema_documents_the_payment_resource_and_the_webhook(db):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    payment = paths["/api/v1/payments/{id}/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    fields = schema["components"]["schemas"][payment["$ref"].rsplit("/", 1)[-1]]["properties"]
    assert set(fields) == {
        "id", "status", "amount", "currency", "booking", "confirmation_url", "failure_reason", "created_at", "paid_at"
    }  # fmt: skip
    webhook = paths["/api/v1/payments/webhooks/{provider}/"]["post"]
    assert {"200", "400"} <= set(webhook["responses"]) and "X-Fake-PSP-Signature" in webhook["description"]
    pay = paths["/api/v1/tickets/{id}/pay/"]["post"]
    assert "201" in pay["responses"] and any(p["name"] == "Idempotency-Key" for p in pay["parameters"])
