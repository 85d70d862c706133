from django.urls import path

from web import views

app_name = "web"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("sessions/<int:pk>/", views.SessionView.as_view(), name="session"),
    path("tickets/", views.TicketsView.as_view(), name="tickets"),
]
