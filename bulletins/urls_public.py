from django.urls import path  # noqa: F401

app_name = "bulletins_public"
urlpatterns: list = []
