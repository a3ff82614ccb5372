from django.urls import path

from intake import views

app_name = "intake"
urlpatterns = [
    path("", views.suggestion_list, name="suggestion_list"),
    path("new/", views.suggestion_create, name="suggestion_create"),
    path("import/", views.suggestion_import, name="suggestion_import"),
    path("closure/", views.closure, name="closure"),
    path("<int:pk>/", views.suggestion_detail, name="suggestion_detail"),
    path("<int:pk>/<str:action>/", views.suggestion_action, name="suggestion_action"),
]
