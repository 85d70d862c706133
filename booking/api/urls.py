from django.urls import path
from rest_framework.routers import DefaultRouter

from booking.api import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("tickets", views.TicketViewSet, basename="ticket")

urlpatterns = [
    path("sessions/<int:pk>/seats/", views.SeatMapView.as_view(), name="session-seats"),
    path("sessions/<int:pk>/cancel/", views.SessionCancelView.as_view(), name="session-cancel"),
    path("bookings/<str:reference>/", views.BookingView.as_view(), name="booking-detail"),
    path("payments/<int:pk>/", views.PaymentView.as_view(), name="payment-detail"),
    path("payments/webhooks/<str:provider>/", views.PaymentWebhookView.as_view(), name="payment-webhook"),
    *router.urls,
]
