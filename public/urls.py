from django.urls import path

from public import views

app_name = "public"
urlpatterns = [
    path("", views.start, name="start"),
    path("progress/", views.progress_list, name="progress_list"),
    path("progress/<int:pk>/", views.progress_detail, name="progress_detail"),
    path("publications/", views.manage, name="manage"),
    path("publications/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("publish/<int:content_type_id>/<int:object_id>/", views.publish, name="publish"),
]
