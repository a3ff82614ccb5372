"""Builders for the wish tests: a wish on a community's wall and a real small photo."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from wishes import services
from wishes.models import Wish


def photo(name: str = "完成照片.jpg") -> SimpleUploadedFile:
    """A real JPEG as a phone's camera would send it."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def wish_create(*, community: Any, title: str = "给独居老人买一台收音机", **fields: Any) -> Wish:
    data = {"beneficiary": "独居老人王奶奶", "submitter_name": "王小明", "submitter_phone": "13912345678"}
    data.update(fields)
    return services.wish_post(community=community, title=title, **data)
