from django.urls import path

from bulletins import views

app_name = "bulletins"
urlpatterns = [
    path("", views.bulletin_list, name="list"),
    path("new/", views.bulletin_create, name="create"),
    path("<int:pk>/", views.bulletin_detail, name="detail"),
    path("<int:pk>/edit/", views.bulletin_edit, name="edit"),
    path("<int:pk>/regenerate/", views.bulletin_regenerate, name="regenerate"),
    path("<int:pk>/issue/", views.bulletin_issue, name="issue"),
    path("<int:pk>/docx/", views.bulletin_download, name="docx"),
    path("<int:pk>/print/", views.bulletin_print, name="print"),
]
