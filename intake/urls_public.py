from django.urls import path

from intake import views_public

app_name = "intake_public"
urlpatterns = [
    path("suggestions/", views_public.submit, name="submit"),
    path("suggestions/submitted/", views_public.submitted, name="submitted"),
    path("suggestions/query/", views_public.query, name="query"),
    path("suggestions/q/<str:code>/", views_public.detail, name="detail"),
    path("suggestions/q/<str:code>/rate/", views_public.rate, name="rate"),
]
