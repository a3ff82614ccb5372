"""The account holder's own pages: password, two-step verification."""

from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("two-step/", views.otp_setup, name="otp_setup"),
    path("two-step/qr.svg", views.otp_qr, name="otp_qr"),
]
