"""Ledger import and export, included under ``ledger/`` (namespace ``ledger_import``)."""

from django.urls import path

from rectification import views_import

app_name = "ledger_import"
urlpatterns = [
    path("import/", views_import.import_upload, name="upload"),
    path("import/template/", views_import.import_template, name="template"),
    path("import/<int:pk>/", views_import.import_job, name="job"),
    path("import/<int:pk>/confirm/", views_import.import_confirm, name="confirm"),
    path("export/", views_import.ledger_export, name="export"),
]
