from django.apps import AppConfig


class WorkflowAppConfig(AppConfig):
    """A concrete tracked item for testing the shared machinery; tests only."""

    name = "core.tests.workflow_app"
    label = "workflow_app"
