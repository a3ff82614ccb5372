from django.urls import path

from wishes import views_public

app_name = "wishes_public"
urlpatterns = [
    path("wishes/", views_public.wall_index, name="wall_index"),
    path("wishes/post/", views_public.post, name="post"),
    path("wishes/posted/", views_public.posted, name="posted"),
    path("wishes/query/", views_public.query, name="query"),
    path("wishes/q/<str:code>/", views_public.detail, name="detail"),
    path("wishes/q/<str:code>/confirm/", views_public.confirm, name="confirm"),
    path("wishes/q/<str:code>/photos/<int:attachment_id>/", views_public.photo, name="photo"),
    path("wishes/wall/<str:code>/", views_public.wall, name="wall"),
]
