from django.urls import path

from dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.dashboard_page, name="dashboard"),
    path("screen/", views.screen_page, name="screen"),
]
