from django.urls import path

from research import views

app_name = "research"
urlpatterns = [
    path("", views.topic_list, name="topic_list"),
    path("topics/import/", views.topic_import, name="topic_import"),
    path("topics/<int:pk>/", views.topic_detail, name="topic_detail"),
    path("rounds/", views.round_list, name="round_list"),
    path("entities/", views.entity_list, name="entity_list"),
    path("entities/import/", views.entity_import, name="entity_import"),
    path("entities/<int:pk>/", views.entity_detail, name="entity_detail"),
    path("visits/", views.visit_list, name="visit_list"),
    path("visits/new/", views.visit_create, name="visit_create"),
    path("visits/week/", views.week_calendar, name="week"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("findings/<int:pk>/problem/", views.finding_to_problem, name="finding_to_problem"),
]
