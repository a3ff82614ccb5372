from django.urls import path

from orgs import views

app_name = "orgs"
urlpatterns: list = []
