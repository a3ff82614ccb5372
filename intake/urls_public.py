from django.urls import path  # noqa: F401

app_name = "intake_public"
urlpatterns: list = []
