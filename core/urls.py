from django.urls import path

from core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/import/", views.calendar_import, name="calendar_import"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
]
