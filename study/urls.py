from django.urls import path

from study import views

app_name = "study"
urlpatterns = [
    path("", views.class_list, name="class_list"),
    path("classes/<int:pk>/", views.class_detail, name="class_detail"),
    path("classes/<int:pk>/dispatch/", views.class_dispatch, name="class_dispatch"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("check-in/<str:token>/", views.check_in, name="check_in"),
    path("me/", views.my_study, name="my_study"),
    path("outreach/", views.plan_list, name="plan_list"),
    path("outreach/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("outreach/<int:pk>/coverage/", views.coverage, name="coverage"),
    path("outreach/<int:pk>/record/", views.record, name="record"),
]
