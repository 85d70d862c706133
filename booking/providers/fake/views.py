"""The fake provider's card page: where a real provider would take the card and 3-D Secure."""

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from booking.providers.base import PENDING
from booking.providers.fake.models import FakePspPayment
from booking.providers.fake.provider import pay_on_page


def _page(request, payment, *, step="card", error="", status=200):
    return render(
        request,
        "fake_psp/checkout.html",
        {"payment": payment, "step": step, "error": error, "return_url": _return_url(request, payment)},
        status=status,
    )


def _return_url(request, payment) -> str:
    url = payment.return_url or "/tickets/"
    if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=False) or url.startswith(
        "https://"
    ):
        return url
    return "/tickets/"


@csrf_exempt  # the provider's own page, not ours: it would carry the provider's protection, not our cookie
@require_http_methods(["GET", "POST"])
def checkout(request, payment_id: str):
    if settings.PAYMENT_PROVIDER != "fake":  # read per request: the page exists only while it is the provider
        raise Http404
    payment = get_object_or_404(FakePspPayment, pk=payment_id)
    if request.method == "GET":
        return _page(request, payment, step="3ds" if payment.awaiting_3ds else "card")
    with transaction.atomic():
        payment = FakePspPayment.objects.select_for_update().get(pk=payment.pk)
        if payment.status != PENDING:
            return _page(request, payment, status=409)
        if not payment.webhook_url:
            payment.webhook_url = settings.PAYMENT_FAKE_WEBHOOK_URL or request.build_absolute_uri(
                reverse("payment-webhook", kwargs={"provider": "fake"})
            )
        outcome = pay_on_page(
            payment, card_number=request.POST.get("card_number", ""), code=request.POST.get("code", "")
        )
        if outcome == "invalid":
            return _page(request, payment, error=_("Enter the card number: 12 to 19 digits."), status=400)
        if outcome == "3ds":
            return _page(request, payment, step="3ds")
    return redirect(_return_url(request, payment))
