from django.urls import path

from rectification import views

app_name = "rectification"
urlpatterns = [
    path("", views.problem_list, name="problem_list"),
    path("counts/", views.problem_counts, name="problem_counts"),
    path("new/", views.problem_create, name="problem_create"),
    path("bulk/", views.problem_bulk, name="problem_bulk"),
    path("statistics/", views.statistics_page, name="statistics"),
    path("lists/", views.list_index, name="list_index"),
    path("lists/<int:pk>/", views.list_detail, name="list_detail"),
    path("lists/<int:pk>/<str:action>/", views.list_action, name="list_action"),
    path("drives/", views.drive_index, name="drive_index"),
    path("drives/<int:pk>/conclude/", views.drive_conclude, name="drive_conclude"),
    path("inspections/", views.inspection_index, name="inspection_index"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/<str:action>/", views.inspection_action, name="inspection_action"),
    path("<int:pk>/", views.problem_detail, name="problem_detail"),
    path("<int:pk>/<str:action>/", views.problem_action, name="problem_action"),
]
