from django.urls import path  # noqa: F401

app_name = "wishes_public"
urlpatterns: list = []
