from django.urls import path

from web import views, views_browse

app_name = "web"
urlpatterns = [
    path("", views_browse.HomeView.as_view(), name="home"),
    path("films/<slug:slug>/", views_browse.FilmView.as_view(), name="film"),
    path("cinemas/<slug:slug>/", views_browse.CinemaView.as_view(), name="cinema"),
    path("sessions/<int:pk>/", views.SessionView.as_view(), name="session"),
    path("tickets/", views.TicketsView.as_view(), name="tickets"),
    # The links in e-mails (SITE_URL + these paths): the pages call the accounts API.
    path("password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path(
        "password-reset/<str:uid>/<str:token>/", views.PasswordResetConfirmView.as_view(), name="password-reset-confirm"
    ),
    path("verify-email/<str:uid>/<str:token>/", views.VerifyEmailView.as_view(), name="verify-email"),
]
