from django.urls import path

from wishes import views

app_name = "wishes"
urlpatterns = [
    path("", views.wish_list, name="wish_list"),
    path("new/", views.wish_create, name="wish_create"),
    path("<int:pk>/", views.wish_detail, name="wish_detail"),
    path("<int:pk>/<str:action>/", views.wish_action, name="wish_action"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/<str:action>/", views.project_action, name="project_action"),
    path("photos/<str:kind>/<int:pk>/<int:attachment_id>/", views.photo, name="photo"),
]
