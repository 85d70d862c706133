from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import timezone

from booking.tests.test_races import race
from pricing.errors import PromoInvalid
from pricing.models import PriceCard, PromoCode
from pricing.services import price_card_for, promo_check, promo_find, promo_give_back, promo_take_use
from scheduling.services import session_create

MSK = ZoneInfo("Europe/Moscow")


def _at(weekday: int, hour: int, minute: int = 0) -> datetime:
    """A local time next week on ISO ``weekday``."""
    today = timezone.localdate()
    day = today + timedelta(days=7 + (weekday - today.isoweekday()))
    return datetime.combine(day, time(hour, minute), tzinfo=MSK)


@pytest.fixture
def cards(db):
    return {
        "any": PriceCard.objects.create(name="Any"),
        "morning": PriceCard.objects.create(name="Morning", time_from=time(6), time_to=time(12), priority=20),
        "weekend_imax": PriceCard.objects.create(name="Weekend IMAX", weekdays=[6, 7], formats=["imax"], priority=10),
        "night": PriceCard.objects.create(name="Night", time_from=time(23), time_to=time(3), priority=5),
    }


@pytest.mark.django_db
class TestPriceCardMatching:
    def test_a_morning_session_is_offered_the_morning_card(self, cards):
        assert price_card_for(format="2d", starts_at_local=_at(2, 10, 30)) == cards["morning"]

    def test_the_band_end_is_exclusive(self, cards):
        assert price_card_for(format="2d", starts_at_local=_at(2, 12)) == cards["any"]

    def test_format_and_weekday_must_both_match(self, cards):
        assert price_card_for(format="imax", starts_at_local=_at(6, 15)) == cards["weekend_imax"]
        assert price_card_for(format="imax", starts_at_local=_at(5, 15)) == cards["any"]
        assert price_card_for(format="2d", starts_at_local=_at(6, 15)) == cards["any"]

    def test_a_band_past_midnight_covers_both_sides(self, cards):
        assert price_card_for(format="2d", starts_at_local=_at(3, 23, 30)) == cards["night"]
        assert price_card_for(format="2d", starts_at_local=_at(3, 1)) == cards["night"]

    def test_inactive_and_other_cinemas_cards_are_not_offered(self, cards, cinema):
        cards["morning"].is_active = False
        cards["morning"].save()
        assert price_card_for(format="2d", starts_at_local=_at(2, 10)) == cards["any"]
        cards["any"].cinemas.set([cinema])
        assert price_card_for(format="2d", starts_at_local=_at(2, 14), cinema_id=cinema.pk + 1) is None
        assert price_card_for(format="2d", starts_at_local=_at(2, 14), cinema_id=cinema.pk) == cards["any"]

    def test_a_new_session_gets_the_matching_card_and_its_adult_prices(self, price_card, movie, hall):
        show = session_create(movie=movie, hall=hall, starts_at=timezone.now() + timedelta(days=2))
        assert show.price_card == price_card
        assert (show.base_price, show.vip_price) == (Decimal("500"), Decimal("900"))

    def test_the_manager_may_choose_no_card(self, price_card, movie, hall):
        show = session_create(
            movie=movie, hall=hall, starts_at=timezone.now() + timedelta(days=2), base_price=300, price_card=None
        )
        assert show.price_card is None and show.base_price == Decimal("300")


@pytest.fixture
def promo(db):
    return PromoCode.objects.create(code="KINO10", kind="percent", value=Decimal("10"), max_uses=5)


@pytest.mark.django_db
class TestPromoCheck:
    def _check(self, promo, session, types=("adult",), now=None):
        return promo_check(
            promo,
            movie_id=session.movie_id,
            cinema_id=session.hall.cinema_id,
            ticket_types=list(types),
            now=now or timezone.now(),
        )

    def test_codes_are_found_whatever_their_case(self, promo):
        assert promo_find(" kino10 ") == promo

    def test_an_unknown_code_is_refused_with_its_reason(self, db):
        with pytest.raises(PromoInvalid) as refused:
            promo_find("NOPE")
        assert (refused.value.code, refused.value.extra["reason"]) == ("promo_invalid", "unknown")

    @pytest.mark.parametrize(
        "change, reason",
        [
            ({"is_active": False}, "inactive"),
            ({"valid_to_days": -1}, "expired"),
            ({"valid_from_days": 1}, "not_yet_valid"),
            ({"uses": 5}, "used_up"),
            ({"min_tickets": 2}, "min_tickets"),
        ],
    )
    def test_a_code_that_cannot_be_used_says_why(self, promo, session, change, reason):
        now = timezone.now()
        if "valid_to_days" in change:
            promo.valid_from = now - timedelta(days=5)
            promo.valid_to = now + timedelta(days=change.pop("valid_to_days"))
        if "valid_from_days" in change:
            promo.valid_from = now + timedelta(days=change.pop("valid_from_days"))
        for field, value in change.items():
            setattr(promo, field, value)
        promo.save()
        with pytest.raises(PromoInvalid) as refused:
            self._check(promo, session, now=now)
        assert refused.value.extra["reason"] == reason

    def test_a_code_for_other_films_cinemas_or_types_does_not_apply(self, promo, session, ticket_types, movie):
        from catalog.models import Movie

        other = Movie.objects.create(title="Other", slug="other", duration_minutes=90, release_date=movie.release_date)
        promo.movies.set([other])
        with pytest.raises(PromoInvalid, match="film"):
            self._check(promo, session)
        promo.movies.set([movie])
        promo.ticket_types.set([ticket_types["child"]])
        with pytest.raises(PromoInvalid) as refused:
            self._check(promo, session)
        assert refused.value.extra["reason"] == "ticket_type"
        assert self._check(promo, session, types=("adult", "child")) == [False, True]

    def test_percent_and_fixed_discounts_never_exceed_the_price(self, promo):
        assert promo.discount_on(Decimal("455")) == Decimal("45.50")
        promo.kind, promo.value = "amount", Decimal("600")
        assert promo.discount_on(Decimal("455")) == Decimal("455")


@pytest.mark.django_db
def test_taking_a_use_stops_at_the_limit_and_giving_back_frees_one(promo):
    promo.uses = 4
    promo.save()
    promo_take_use(promo=promo)
    with pytest.raises(PromoInvalid, match="used up"):
        promo_take_use(promo=promo)
    promo_give_back(promo_ids=[promo.pk])
    promo.refresh_from_db()
    assert promo.uses == 4


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_takers_of_the_last_use_leave_exactly_one_winner():
    promo = PromoCode.objects.create(code="LAST", kind="percent", value=10, max_uses=10, uses=9)

    def take():
        try:
            with transaction.atomic():
                promo_take_use(promo=promo)
            return "won"
        except PromoInvalid:
            return "refused"

    outcomes = race([take] * 20)
    promo.refresh_from_db()
    assert (outcomes.count("won"), outcomes.count("refused"), promo.uses) == (1, 19, 10)
