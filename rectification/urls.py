from django.urls import path

from rectification import views

app_name = "rectification"
urlpatterns = [
    path("", views.problem_list, name="problem_list"),
    path("new/", views.problem_create, name="problem_create"),
    path("bulk/", views.problem_bulk, name="problem_bulk"),
    path("statistics/", views.statistics_page, name="statistics"),
    path("<int:pk>/", views.problem_detail, name="problem_detail"),
    path("<int:pk>/<str:action>/", views.problem_action, name="problem_action"),
]
