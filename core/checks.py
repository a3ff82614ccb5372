"""System checks of core's settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import Error, register


def _inside(child: Path, parent: Path) -> bool:
    return child == parent or parent in child.parents or child in parent.parents


@register()
def media_outside_static(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Uploaded files must never share a folder with static files: whatever lies under
    STATIC_ROOT is served to anyone, without the scope check that attachments need."""
    media = Path(settings.MEDIA_ROOT).resolve()
    static_folders = [Path(settings.STATIC_ROOT).resolve()] if settings.STATIC_ROOT else []
    static_folders += [
        Path(folder if isinstance(folder, str | Path) else folder[1]).resolve() for folder in settings.STATICFILES_DIRS
    ]
    return [
        Error(
            f"MEDIA_ROOT ({media}) overlaps the static files folder {folder}.",
            hint="Keep uploaded files (MEDIA_ROOT) apart from STATIC_ROOT and STATICFILES_DIRS.",
            id="core.E001",
        )
        for folder in static_folders
        if _inside(media, folder)
    ]
