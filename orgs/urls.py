from django.urls import path

from orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.org_tree, name="org_tree"),
    path("scope/", views.scope_set, name="scope_set"),
    path("export/", views.org_export, name="org_export"),
    path("import/", views.import_page, name="import"),
    path("people/", views.people_list, name="people"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/<str:action>/", views.person_action, name="person_action"),
    path("<str:code>/", views.org_detail, name="org_detail"),
    path("<str:code>/children/", views.org_children_partial, name="org_children"),
    path("<str:code>/<str:action>/", views.org_action, name="org_action"),
]
