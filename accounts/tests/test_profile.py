"""The own profile through the API."""

from datetime import timedelta

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_a_date_of_birth_in_the_future_is_refused_naming_the_field(customer_client, customer):
    today = timezone.localdate()
    refused = customer_client.patch("/api/v1/auth/me/", {"date_of_birth": str(today + timedelta(days=1))})
    assert refused.status_code == 400
    assert refused.json()["code"] == "validation_error" and "date_of_birth" in refused.json()["errors"]
    customer.refresh_from_db()
    assert customer.date_of_birth is None
    accepted = customer_client.patch("/api/v1/auth/me/", {"date_of_birth": str(today)})
    assert accepted.status_code == 200 and accepted.json()["date_of_birth"] == str(today)
