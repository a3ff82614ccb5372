from django.urls import path

from bulletins import views

app_name = "bulletins_public"
urlpatterns = [
    path("bulletins/", views.public_list, name="list"),
    path("bulletins/<int:pk>/", views.public_detail, name="detail"),
    path("bulletins/<int:pk>/docx/", views.public_download, name="docx"),
]
