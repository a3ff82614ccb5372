from django.urls import path

from projects import views

app_name = "projects"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("list/", views.project_list, name="project_list"),
    path("new/", views.project_create, name="project_create"),
    path("<int:pk>/", views.project_detail, name="project_detail"),
    path("<int:pk>/<slug:action>/", views.project_action, name="project_action"),
    path("import/", views.return_import, name="return_import"),
    path("import/template/", views.return_template, name="return_template"),
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/new/", views.task_create, name="task_create"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/<slug:action>/", views.task_action, name="task_action"),
    path("promotion/", views.promotion_list, name="promotion_list"),
    path("promotion/new/", views.promotion_create, name="promotion_create"),
    path("deals/", views.deal_list, name="deal_list"),
    path("deals/new/", views.deal_create, name="deal_create"),
    path("deals/<int:pk>/", views.deal_detail, name="deal_detail"),
    path("deals/<int:pk>/<slug:action>/", views.deal_action, name="deal_action"),
]
