from django.urls import path

from supervision import views

app_name = "supervision"
urlpatterns = [
    path("warnings/", views.warnings_page, name="warnings"),
    path("reminders/", views.reminders_page, name="reminders"),
    path("remind/<int:content_type_id>/<int:object_id>/", views.reminder_send, name="reminder_send"),
    path("dispatch/", views.dispatch_list, name="dispatch_list"),
    path("dispatch/<int:pk>/", views.dispatch_detail, name="dispatch_detail"),
    path("dispatch/<int:pk>/decide/", views.dispatch_decide, name="dispatch_decide"),
    path("dispatch/<int:pk>/hold/", views.dispatch_hold, name="dispatch_hold"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/<str:action>/", views.task_action, name="task_action"),
]
