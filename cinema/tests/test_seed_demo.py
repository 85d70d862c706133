"""The demo data: ``seed_demo --reset`` clears what an earlier run sold and refunded, then seeds again."""

import pytest
from django.core.management import call_command

from booking.models import Refund
from venues.models import Cinema


@pytest.mark.django_db
def test_the_demo_data_seeds_again_over_its_own_refunds(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", days=1, history_days=1, password="demo12345")
    assert Refund.objects.exists()  # the demo refunds some tickets: their payments are protected
    cinemas = Cinema.objects.count()
    call_command("seed_demo", days=1, history_days=1, reset=True, password="demo12345")
    assert Cinema.objects.count() == cinemas and Refund.objects.exists()
