from django.urls import path, register_converter

from web import customer, signin, views, views_browse


class ReferenceConverter:
    """A booking reference: letters and digits only, so anything else is a 404 before a lookup."""

    regex = "[A-Za-z0-9]{1,16}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ReferenceConverter, "reference")

app_name = "web"
urlpatterns = [
    path("", views_browse.HomeView.as_view(), name="home"),
    path("films/<slug:slug>/", views_browse.FilmView.as_view(), name="film"),
    path("cinemas/<slug:slug>/", views_browse.CinemaView.as_view(), name="cinema"),
    path("sessions/<int:pk>/", views.SessionView.as_view(), name="session"),
    path("tickets/", customer.TicketsView.as_view(), name="tickets"),
    path("orders/<reference:reference>/", customer.OrderView.as_view(), name="order"),
    path("orders/<reference:reference>/calendar.ics", customer.OrderCalendarView.as_view(), name="order-calendar"),
    path("account/", customer.AccountView.as_view(), name="account"),
    # Sign-in of the pages by the session cookie (JSON, CSRF-checked; not part of the API).
    path("web/login/", signin.LoginView.as_view(), name="login"),
    path("web/logout/", signin.LogoutView.as_view(), name="logout"),
    # The links in e-mails (SITE_URL + these paths): the pages call the accounts API.
    path("password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path(
        "password-reset/<str:uid>/<str:token>/", views.PasswordResetConfirmView.as_view(), name="password-reset-confirm"
    ),
    path("verify-email/<str:uid>/<str:token>/", views.VerifyEmailView.as_view(), name="verify-email"),
]
