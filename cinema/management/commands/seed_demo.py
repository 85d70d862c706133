"""Demo data: cinemas in Russian cities, halls, films, a week of sessions,
users of every role, tickets in every status and reviews.

Idempotent: a second run adds nothing that is already there. ``--reset``
deletes the demo content first; ``--if-empty`` does nothing when any cinema
exists (what ``make run`` uses).
"""

import logging
import random
import secrets
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.text import slugify

from accounts.identity import canonical_email
from accounts.models import Role, User
from accounts.services import user_create, user_set_role
from booking.models import Booking, Payment, Refund, Ticket
from booking.providers.fake.provider import pay_through_fake
from booking.services import holds_expire, ticket_cancel, ticket_check_in, ticket_hold
from booking.tokens import make_ticket_token
from catalog.demo import draw_poster
from catalog.models import AgeRating, Genre, Movie
from catalog.services import TRANSLIT, movie_poster_thumbnails
from cinema.translit import city_in_english, transliterate
from notifications.services import messages_off
from pricing.demo import DEMO_TICKET_TYPES, seed_prices
from pricing.models import PriceCard
from reviews.models import Review, ReviewVote
from reviews.services import review_create, review_moderate, review_vote
from scheduling.models import Session
from scheduling.services import session_create, session_timing
from venues.layout import parse_layout, rectangular_layout
from venues.models import Cinema, Hall, HallType
from venues.services import hall_create

GENRES = [
    ("action", "Action", "Боевик"),
    ("comedy", "Comedy", "Комедия"),
    ("drama", "Drama", "Драма"),
    ("horror", "Horror", "Ужасы"),
    ("romance", "Romance", "Мелодрама"),
    ("sci-fi", "Science fiction", "Фантастика"),
    ("thriller", "Thriller", "Триллер"),
    ("documentary", "Documentary", "Документальный"),
    ("animation", "Animation", "Мультфильм"),
    ("fantasy", "Fantasy", "Фэнтези"),
    ("family", "Family", "Семейный"),
    ("history", "History", "Исторический"),
]

CINEMAS = [
    # name, slug, city, address, lat, lon, tz, amenities, halls [(number, name, type, rows, seats, vip_rows)]
    (
        "Октябрь",
        "oktyabr-moscow",
        "Москва",
        "ул. Новый Арбат, 24",
        "55.752700",
        "37.586600",
        "Europe/Moscow",
        ("parking", "cafe", "wheelchair_access", "vip_lounge"),
        [
            (1, "Зал 1", HallType.IMAX, 15, 20, (12, 13)),
            (2, "Зал 2", HallType.STANDARD, 10, 14, ()),
            (3, "VIP", HallType.VIP, 5, 8, (1, 2, 3, 4, 5)),
        ],
    ),
    (
        "Горизонт",
        "gorizont-moscow",
        "Москва",
        "Комсомольский пр-т, 21/10",
        "55.731900",
        "37.587800",
        "Europe/Moscow",
        ("cafe", "kids_room"),
        [(1, "Большой зал", HallType.DOLBY_ATMOS, 12, 18, (10,)), (2, "Малый зал", HallType.STANDARD, 8, 12, ())],
    ),
    (
        "Аврора",
        "avrora-spb",
        "Санкт-Петербург",
        "Невский пр-т, 60",
        "59.934300",
        "30.338000",
        "Europe/Moscow",
        ("cafe", "wheelchair_access"),
        [(1, "Большой зал", HallType.STANDARD, 14, 20, (11, 12)), (2, "Малый зал", HallType.STANDARD, 7, 10, ())],
    ),
    (
        "Галерея",
        "galereya-spb",
        "Санкт-Петербург",
        "Лиговский пр-т, 30А",
        "59.927300",
        "30.360700",
        "Europe/Moscow",
        ("parking", "cafe", "wheelchair_access", "kids_room"),
        [
            (1, "IMAX", HallType.IMAX, 16, 22, (13, 14)),
            (2, "4DX", HallType.FOUR_DX, 8, 12, ()),
            (3, "Зал 3", HallType.STANDARD, 10, 14, ()),
        ],
    ),
    (
        "Салют",
        "salyut-ekb",
        "Екатеринбург",
        "ул. Ленина, 43",
        "56.839500",
        "60.615000",
        "Asia/Yekaterinburg",
        ("parking", "cafe"),
        [(1, "Зал 1", HallType.STANDARD, 12, 16, (10,)), (2, "Зал 2", HallType.VIP, 5, 8, (1, 2, 3, 4, 5))],
    ),
    (
        "Победа",
        "pobeda-nsk",
        "Новосибирск",
        "ул. Ленина, 7",
        "55.030200",
        "82.918000",
        "Asia/Novosibirsk",
        ("cafe", "wheelchair_access"),
        [
            (1, "Красный зал", HallType.STANDARD, 12, 16, (11,)),
            (2, "Синий зал", HallType.STANDARD, 9, 12, ()),
            (3, "Зал Dolby", HallType.DOLBY_ATMOS, 10, 14, (8,)),
        ],
    ),
]

MOVIES = [
    # title, original, director, cast, country, lang, minutes, age, genres, released_days_ago, imdb
    (
        "Брат",
        "Brat",
        "Алексей Балабанов",
        "Сергей Бодров-мл., Виктор Сухоруков, Светлана Письмиченко",
        "Россия",
        "ru",
        99,
        AgeRating.EIGHTEEN,
        ("drama", "action"),
        20,
        "7.9",
    ),
    (
        "Дюна: Часть вторая",
        "Dune: Part Two",
        "Дени Вильнёв",
        "Тимоти Шаламе, Зендея, Ребекка Фергюсон",
        "США",
        "en",
        166,
        AgeRating.TWELVE,
        ("sci-fi", "action"),
        30,
        "8.5",
    ),
    (
        "Сталкер",
        "Stalker",
        "Андрей Тарковский",
        "Александр Кайдановский, Анатолий Солоницын, Николай Гринько",
        "СССР",
        "ru",
        161,
        AgeRating.TWELVE,
        ("sci-fi", "drama"),
        14,
        "8.0",
    ),
    (
        "Интерстеллар",
        "Interstellar",
        "Кристофер Нолан",
        "Мэттью Макконахи, Энн Хэтэуэй, Джессика Честейн",
        "США",
        "en",
        169,
        AgeRating.TWELVE,
        ("sci-fi", "drama"),
        10,
        "8.7",
    ),
    (
        "Ирония судьбы",
        "Ironiya sudby",
        "Эльдар Рязанов",
        "Андрей Мягков, Барбара Брыльска, Юрий Яковлев",
        "СССР",
        "ru",
        184,
        AgeRating.SIX,
        ("comedy", "romance"),
        5,
        "8.1",
    ),
    (
        "Унесённые призраками",
        "Sen to Chihiro no Kamikakushi",
        "Хаяо Миядзаки",
        "Руми Хиираги, Мию Ирино",
        "Япония",
        "ja",
        125,
        AgeRating.SIX,
        ("animation", "fantasy", "family"),
        25,
        "8.6",
    ),
    (
        "Левиафан",
        "Leviathan",
        "Андрей Звягинцев",
        "Алексей Серебряков, Елена Лядова, Владимир Вдовиченков",
        "Россия",
        "ru",
        141,
        AgeRating.EIGHTEEN,
        ("drama",),
        12,
        "7.5",
    ),
    (
        "Оппенгеймер",
        "Oppenheimer",
        "Кристофер Нолан",
        "Киллиан Мёрфи, Эмили Блант, Мэтт Деймон",
        "США",
        "en",
        180,
        AgeRating.EIGHTEEN,
        ("drama", "history"),
        40,
        "8.3",
    ),
    (
        "Чебурашка",
        "Cheburashka",
        "Дмитрий Дьяченко",
        "Сергей Гармаш, Ольга Кузьмина, Фёдор Добронравов",
        "Россия",
        "ru",
        113,
        AgeRating.SIX,
        ("family", "comedy"),
        8,
        "6.9",
    ),
    (
        "Движение вверх",
        "Dvizhenie vverkh",
        "Антон Мегердичев",
        "Владимир Машков, Андрей Смоляков, Иван Колесников",
        "Россия",
        "ru",
        133,
        AgeRating.SIX,
        ("drama", "history"),
        18,
        "7.4",
    ),
    (
        "Чужой",
        "Alien",
        "Ридли Скотт",
        "Сигурни Уивер, Том Скеррит, Джон Хёрт",
        "США",
        "en",
        117,
        AgeRating.EIGHTEEN,
        ("horror", "sci-fi"),
        3,
        "8.5",
    ),
    (
        "Амели",
        "Le Fabuleux Destin d'Amélie Poulain",
        "Жан-Пьер Жене",
        "Одри Тоту, Матьё Кассовиц",
        "Франция",
        "fr",
        122,
        AgeRating.SIXTEEN,
        ("comedy", "romance"),
        9,
        "8.3",
    ),
    (
        "Земля Санникова",
        "Zemlya Sannikova",
        "Альберт Мкртчян",
        "Олег Даль, Владислав Дворжецкий, Юрий Назаров",
        "СССР",
        "ru",
        96,
        AgeRating.TWELVE,
        ("fantasy", "history"),
        2,
        "7.1",
    ),
    (
        "Паразиты",
        "Gisaengchung",
        "Пон Джун-хо",
        "Сон Кан-хо, Ли Сон-гюн, Чо Ё-джон",
        "Южная Корея",
        "ko",
        132,
        AgeRating.EIGHTEEN,
        ("thriller", "drama"),
        16,
        "8.5",
    ),
    (
        "Вий",
        "Viy",
        "Константин Ершов, Георгий Кропачёв",
        "Леонид Куравлёв, Наталья Варлей",
        "СССР",
        "ru",
        77,
        AgeRating.TWELVE,
        ("horror", "fantasy"),
        6,
        "7.1",
    ),
    # coming soon
    (
        "Мастер и Маргарита",
        "Master i Margarita",
        "Михаил Локшин",
        "Евгений Цыганов, Юлия Снигирь, Аугуст Диль",
        "Россия",
        "ru",
        157,
        AgeRating.EIGHTEEN,
        ("fantasy", "drama"),
        -10,
        "7.3",
    ),
    (
        "Планета людей",
        "Planet of People",
        "Анна Морозова",
        "документальный фильм",
        "Россия",
        "ru",
        88,
        AgeRating.ZERO,
        ("documentary",),
        -20,
        None,
    ),
]

STAFF = [
    ("admin@cinema.local", Role.ADMIN, "Админ", "Системный"),
    ("manager@cinema.local", Role.MANAGER, "Мария", "Менеджерова"),
    ("moderator@cinema.local", Role.MODERATOR, "Олег", "Модераторов"),
    ("customer@cinema.local", Role.CUSTOMER, "Иван", "Покупателев"),
]
EXTRA_CUSTOMERS = [
    ("anna@example.com", "Анна", "Смирнова"),
    ("petr@example.com", "Пётр", "Иванов"),
    ("olga@example.com", "Ольга", "Кузнецова"),
    ("dmitry@example.com", "Дмитрий", "Попов"),
]

REVIEW_TEXTS = [
    (9, "Смотрел на одном дыхании", "Отличная режиссура и актёрская игра, звук в зале прекрасный."),
    (7, "Хорошо, но затянуто", "Красивые кадры, но середина фильма провисает. В целом рекомендую."),
    (10, "Шедевр", "Один из лучших фильмов, что я видел на большом экране. Пересмотрю ещё раз."),
    (5, "На один раз", "Ожидал большего: сюжет предсказуем, хотя визуально всё на уровне."),
]


class Command(BaseCommand):
    help = "Load realistic demo data (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--password", default="demo12345", help="password of the demo accounts")
        parser.add_argument("--reset", action="store_true", help="delete demo content first")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when cinemas already exist")
        parser.add_argument("--days", type=int, default=7, help="days of sessions from today")
        parser.add_argument("--seed", type=int, default=2026, help="random seed")
        parser.add_argument(
            "--history-days",
            type=int,
            default=28,
            help="days of past evening shows with sales, for the back office's dashboard",
        )
        parser.add_argument(
            "--scale",
            type=int,
            default=0,
            metavar="N",
            help="then sell seats in bulk until N tickets exist (adds days of sessions as needed), "
            "to measure statistics and lists on a big data set",
        )

    def handle(self, *args, password, reset, if_empty, days, seed, scale, history_days, **options):
        if if_empty and Cinema.objects.exists() and not reset:
            self.stdout.write("Demo data present; nothing to do.")
            return
        logging.getLogger("booking").setLevel(logging.WARNING)  # one summary line, not one per hold
        with messages_off():  # demo customers are not e-mailed about demo tickets and reviews
            self._seed(password, reset, days, seed, scale, history_days)

    def _seed(self, password, reset, days, seed, scale, history_days):
        self.rng = random.Random(seed)
        if reset:
            self._reset()
        users = self._users(password)
        genres = self._genres()
        movies = self._movies(genres, users[Role.MANAGER])
        halls = self._cinemas()
        seed_prices()  # before the sessions: each is offered its price card
        created = self._sessions(halls, movies, users[Role.MANAGER], days)
        if created:
            self._tickets(users)
            self._reviews(users, movies)
            self._history(halls, movies, users, history_days)
        if scale:
            self._scale(scale, halls, movies, users)
        counts = ", ".join(
            f"{model.objects.count()} {label}"
            for model, label in (
                (Cinema, "cinemas"),
                (Hall, "halls"),
                (Movie, "films"),
                (Session, "sessions"),
                (Ticket, "tickets"),
                (Review, "reviews"),
                (User, "users"),
            )
        )
        self.stdout.write(self.style.SUCCESS(f"Demo data: {counts} (password: {password})."))

    def _reset(self):
        with transaction.atomic():
            ReviewVote.objects.all().delete()
            Review.objects.all().delete()
            Refund.objects.all().delete()
            Payment.objects.all().delete()
            Ticket.objects.all().delete()
            Booking.objects.all().delete()
            Session.objects.all().delete()
            Hall.objects.all().delete()
            User.objects.filter(preferred_cinema__isnull=False).update(preferred_cinema=None)
            Cinema.objects.all().delete()
            Movie.objects.all().delete()
            Genre.objects.all().delete()
            User.objects.filter(email__in=[e for e, *_ in STAFF] + [e for e, *_ in EXTRA_CUSTOMERS]).delete()

    def _users(self, password):
        users = {}
        for email, role, first, last in STAFF:
            user = User.objects.filter(email=canonical_email(email)).first()
            if user is None:
                user = user_create(
                    email=email,
                    password=password,
                    role=role,
                    first_name=first,
                    last_name=last,
                    validate_password=False,
                    email_verified=True,
                    city="Москва",
                )
            else:
                user_set_role(user=user, role=role, by=None)
            users[role] = user
        users["extra"] = []
        for email, first, last in EXTRA_CUSTOMERS:
            user = User.objects.filter(email=canonical_email(email)).first() or user_create(
                email=email, password=password, first_name=first, last_name=last, validate_password=False
            )
            users["extra"].append(user)
        return users

    def _genres(self):
        genres = {}
        for slug, name, name_ru in GENRES:
            genres[slug], _ = Genre.objects.get_or_create(slug=slug, defaults={"name": name, "name_ru": name_ru})
        return genres

    def _movies(self, genres, manager):
        today = timezone.localdate()
        movies = []
        for index, (title, original, director, cast, country, lang, minutes, age, genre_slugs, ago, imdb) in enumerate(
            MOVIES
        ):
            slug = _slug(original)
            release = today - timedelta(days=ago)
            movie, created = Movie.objects.get_or_create(
                slug=slug,
                defaults=dict(
                    title=title,
                    original_title=original,
                    director=director,
                    cast=cast,
                    country=country,
                    original_language=lang,
                    duration_minutes=minutes,
                    age_rating=age,
                    release_date=release,
                    end_date=release + timedelta(days=60) if ago >= 0 else None,
                    description=f"{title} — {director}. В ролях: {cast}.",
                    synopsis=f"{title} ({country}), реж. {director}.",
                    imdb_rating=Decimal(imdb) if imdb else None,
                    is_featured=index < 4,
                    created_by=manager,
                    trailer_url=f"https://www.youtube.com/results?search_query={slug}+trailer",
                ),
            )
            if created:
                movie.genres.set([genres[g] for g in genre_slugs])
            if not movie.poster:
                poster = draw_poster(title=title, latin_title=original, year=release.year, key=slug)
                movie.poster.save(f"{slug}.jpg", ContentFile(poster), save=False)
                Movie.objects.filter(pk=movie.pk).update(poster=movie.poster.name)
                movie_poster_thumbnails(movie=movie)
            movies.append(movie)
        return movies

    def _cinemas(self):
        halls = []
        for name, slug, city, address, lat, lon, tz, amenities, hall_specs in CINEMAS:
            cinema, _ = Cinema.objects.get_or_create(
                slug=slug,
                defaults=dict(
                    name=name,
                    name_en=transliterate(name),
                    city=city,
                    city_en=city_in_english(city),
                    address=address,
                    latitude=Decimal(lat),
                    longitude=Decimal(lon),
                    timezone=tz,
                    phone="+7 800 555-35-35",
                    email=f"{slug}@cinema.local",
                    opening_time=time(9),
                    closing_time=time(2),
                    description=f"Кинотеатр «{name}», {city}.",
                    booking_fee=Decimal("40.00") if slug == CINEMAS[0][1] else Decimal("0.00"),
                    **{Cinema.AMENITY_FIELDS[a]: True for a in amenities},
                ),
            )
            for number, hall_name, hall_type, rows, seats, vip_rows in hall_specs:
                hall = Hall.objects.filter(cinema=cinema, number=number).first()
                if hall is None:
                    vip = hall_type == HallType.VIP
                    layout = rectangular_layout(
                        rows,
                        seats,
                        vip_rows=vip_rows,
                        premium_rows=() if vip else tuple(r for r in range(rows - 3, rows) if r not in vip_rows),
                        love_rows=(rows,) if not vip and rows >= 10 else (),
                        wheelchair_seats=((1, 1), (1, 2)) if "wheelchair_access" in amenities else (),
                        blocked=((1, seats),) if rows > 6 else (),
                        aisle_after_seat=seats // 2 if seats >= 12 else None,
                        aisle_before_rows=(rows // 2 + 1,) if rows >= 10 else (),
                    )
                    hall = hall_create(
                        cinema=cinema,
                        name=hall_name,
                        number=number,
                        layout=layout,
                        hall_type=hall_type,
                        supports_3d=hall_type in (HallType.IMAX, HallType.FOUR_DX, HallType.DOLBY_ATMOS),
                        screen_type="IMAX Laser" if hall_type == HallType.IMAX else "Matte white",
                        sound_system="Dolby Atmos" if hall_type != HallType.STANDARD else "Dolby Digital 7.1",
                        is_accessible="wheelchair_access" in amenities,
                        cleaning_minutes=15,
                    )
                halls.append(hall)
        return halls

    def _sessions(self, halls, movies, manager, days):
        if Session.objects.filter(starts_at__gte=timezone.now()).exists():
            return False
        self._schedule(halls, movies, manager, range(days))
        return True

    def _schedule(self, halls, movies, manager, day_offsets):
        now = timezone.now()
        showing = [m for m in movies if m.release_date <= timezone.localdate()]
        for hall in halls:
            tz = hall.cinema.tz
            base = Decimal(self.rng.choice([350, 400, 450, 500]))
            if hall.hall_type in (HallType.IMAX, HallType.VIP, HallType.FOUR_DX):
                base += 300
            for day in day_offsets:
                local_day = timezone.localtime(now, tz).date() + timedelta(days=day)
                start = _at(local_day, time(10), tz)
                close = _at(local_day + timedelta(days=1), time(0, 30), tz)
                if day == 0:
                    start = max(start, _round_up(now + timedelta(minutes=30)))
                while start < close:
                    movie = self.rng.choice(showing)
                    _, busy_until = session_timing(movie=movie, hall=hall, starts_at=start)
                    evening = timezone.localtime(start, tz).hour >= 18
                    session_create(
                        movie=movie,
                        hall=hall,
                        starts_at=start,
                        base_price=None if PriceCard.objects.exists() else base + (100 if evening else 0),
                        format=_format_for(hall),
                        # Some foreign films in their own language with Russian subtitles.
                        **(
                            {"audio_language": movie.original_language, "subtitles_language": "ru"}
                            if movie.original_language != "ru" and self.rng.random() < 0.2
                            else {"audio_language": "ru", "subtitles_language": ""}
                        ),
                        is_premiere=movie.release_date >= timezone.localdate() - timedelta(days=3),
                        created_by=manager,
                    )
                    start = _round_up(busy_until)

    def _scale(self, target, halls, movies, users):
        """Sell seats in bulk (paid tickets, straight into the tables) until ``target`` tickets exist."""
        need = target - Ticket.objects.count()
        day = (
            Session.objects.order_by("-starts_at").values_list("starts_at", flat=True).first().date()
            - timezone.localdate()
        ).days + 1
        while need > Session.objects.filter(status="on_sale").aggregate(free=Sum("seats_available"))["free"]:
            self._schedule(halls, movies, users[Role.MANAGER], [day])
            day += 1
        buyers = [users[Role.CUSTOMER], *users["extra"]]
        now = timezone.now()
        sessions = Session.objects.filter(status="on_sale", seats_available__gt=0).select_related("hall")
        for session in sessions.order_by("starts_at").iterator():
            if need <= 0:
                break
            taken = set(Ticket.objects.filter(session=session).live(now).values_list("row", "seat"))
            free = [x for x in parse_layout(session.hall.layout) if not x.blocked and (x.row, x.seat) not in taken]
            free = free[:need]
            bookings = []
            for start in range(0, len(free), 4):
                group = free[start : start + 4]
                bookings.append(
                    Booking(
                        reference=secrets.token_hex(5).upper(),
                        user=buyers[start // 4 % len(buyers)],
                        session=session,
                        status="paid",
                        total=sum(session.price_for(x.category) for x in group),
                        reserved_until=now,
                        paid_at=now,
                        payment_method="card",
                        payment_reference="bulk",
                    )
                )
            Booking.objects.bulk_create(bookings, batch_size=2000)
            Ticket.objects.bulk_create(
                [
                    Ticket(
                        number=f"{bookings[i // 4].reference}-{i % 4 + 1}",
                        booking=bookings[i // 4],
                        user=bookings[i // 4].user,
                        session=session,
                        row=x.row,
                        seat=x.seat,
                        category=x.category,
                        price=session.price_for(x.category),
                        status="paid",
                        paid_at=now,
                        payment_method="card",
                        payment_reference="bulk",
                        qr_secret=secrets.token_urlsafe(16),
                    )
                    for i, x in enumerate(free)
                ],
                batch_size=2000,
            )
            Session.objects.filter(pk=session.pk).update(
                seats_sold=F("seats_sold") + len(free), seats_available=F("seats_available") - len(free)
            )
            need -= len(free)

    def _tickets(self, users):
        """Tickets in every status, through the real services."""
        now = timezone.now()
        customers = [users[Role.CUSTOMER], *users["extra"]]
        upcoming = list(Session.objects.filter(starts_at__gt=now + timedelta(hours=3)).with_related()[:40])
        key = 0
        for session in upcoming:
            seats = [
                (row["row"], seat["seat"])
                for row in session.hall.layout["rows"]
                for seat in row["seats"]
                if seat and not seat.get("blocked")
            ]
            for customer in self.rng.sample(customers, k=3):
                picked = self.rng.sample(seats, k=self.rng.randint(1, 3))
                seats = [s for s in seats if s not in picked]
                # Some children, students and seniors, and some KINO10 (the demo cards sell every type).
                carded = session.price_card_id is not None
                booking = ticket_hold(
                    user=customer,
                    session_id=session.pk,
                    seats=picked,
                    ticket_types=[self.rng.choice(DEMO_TICKET_TYPES) for _ in picked] if carded else None,
                    promo_code="KINO10" if carded and self.rng.random() < 0.2 else None,
                )
                key += 1
                if self.rng.random() < 0.75:
                    pay_through_fake(customer, booking, key=f"demo-{key}")
        paid = list(Ticket.objects.filter(status="paid").order_by("id"))
        for ticket in paid[:3]:
            ticket_cancel(ticket=ticket, by=ticket.user)  # refunded
        held = list(Ticket.objects.filter(status="reserved").order_by("id"))
        for ticket in held[:2]:
            ticket_cancel(ticket=ticket, by=ticket.user)  # cancelled
        # A lapsed hold, expired by the clean-up, as cron would.
        Ticket.objects.filter(pk__in=[t.pk for t in held[2:4]]).update(reserved_until=now - timedelta(minutes=1))
        Booking.objects.filter(tickets__in=held[2:4]).update(reserved_until=now - timedelta(minutes=1))
        holds_expire()
        # A used ticket: the first session of the day, checked in at the door.
        soon = Session.objects.filter(starts_at__gt=now + timedelta(minutes=11)).order_by("starts_at").first()
        if soon:
            row = soon.hall.layout["rows"][-1]
            seat = next(s for s in row["seats"] if s and not s.get("blocked"))
            booking = ticket_hold(user=users[Role.CUSTOMER], session_id=soon.pk, seats=[(row["row"], seat["seat"])])
            pay_through_fake(users[Role.CUSTOMER], booking, key="demo-used")
            ticket = booking.tickets.get()
            if soon.starts_at - now <= timedelta(hours=1):
                ticket_check_in(payload=make_ticket_token(ticket), by=users[Role.MANAGER])

    def _history(self, halls, movies, users, history_days):
        """An evening show per cinema on each of the last days, with seats sold:
        sold while it was ahead (sales close at the start), then put on its day."""
        customers = [users[Role.CUSTOMER], *users["extra"]]
        showing = [m for m in movies if m.release_date <= timezone.localdate() - timedelta(days=history_days)] or movies
        first_halls = {}
        for hall in halls:
            first_halls.setdefault(hall.cinema_id, hall)
        ahead = timezone.now() + timedelta(days=400)  # clear of the real schedule
        for back in range(1, history_days + 1):
            for hall in first_halls.values():
                tz = hall.cinema.tz
                session = session_create(
                    movie=self.rng.choice(showing), hall=hall, starts_at=ahead, base_price=Decimal("450")
                )
                ahead = session.busy_until + timedelta(minutes=30)
                free = [(s.row, s.seat) for s in parse_layout(hall.layout) if not s.blocked]
                for customer in self.rng.sample(customers, k=self.rng.randint(1, 3)):
                    picked = self.rng.sample(free, k=self.rng.randint(1, 4))
                    free = [s for s in free if s not in picked]
                    booking = ticket_hold(user=customer, session_id=session.pk, seats=picked)
                    pay_through_fake(customer, booking, key=f"demo-history-{booking.pk}")
                day = timezone.localtime(timezone.now(), tz).date() - timedelta(days=back)
                shift = datetime.combine(day, time(19, 0), tzinfo=tz) - session.starts_at
                Session.objects.filter(pk=session.pk).update(
                    starts_at=F("starts_at") + shift,
                    ends_at=F("ends_at") + shift,
                    busy_until=F("busy_until") + shift,
                    sales_close_at=None,
                    status="finished",
                )

    def _reviews(self, users, movies):
        authors = [users[Role.CUSTOMER], *users["extra"]]
        for index, movie in enumerate(movies[:10]):
            for offset, author in enumerate(authors[: 2 + index % 3]):
                if Review.objects.filter(user=author, movie=movie).exists():
                    continue
                rating, title, text = REVIEW_TEXTS[(index + offset) % len(REVIEW_TEXTS)]
                review = review_create(
                    user=author, movie=movie, rating=rating, title=title, text=text, is_spoiler=offset == 2
                )
                if (index + offset) % 4 != 3:
                    review_moderate(review=review, by=users[Role.MODERATOR], approve=True)
        approved = list(Review.objects.filter(status="approved").order_by("id")[:6])
        for review in approved:
            for voter in authors:
                if voter.pk != review.user_id:
                    review_vote(review=review, user=voter, helpful=self.rng.random() < 0.8)


def _slug(text: str) -> str:
    return slugify(text.lower().translate(TRANSLIT))


def _at(day: date, at: time, tz) -> datetime:
    return datetime.combine(day, at, tzinfo=tz)


def _round_up(moment: datetime, minutes: int = 10) -> datetime:
    moment = moment.replace(second=0, microsecond=0)
    extra = (-moment.minute) % minutes
    return moment + timedelta(minutes=extra)


def _format_for(hall: Hall) -> str:
    return {HallType.IMAX: "imax", HallType.FOUR_DX: "4dx"}.get(hall.hall_type, "2d")
