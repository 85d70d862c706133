from django.urls import path

from booking.providers.fake import views

urlpatterns = [
    path("checkout/<str:payment_id>/", views.checkout, name="fake-psp-checkout"),
]
