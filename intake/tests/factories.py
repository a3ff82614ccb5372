"""Builders for the intake tests."""

from __future__ import annotations

from typing import Any

from intake import services
from intake.models import Suggestion


def suggestion_create(
    *, community: Any, content: str = "3号楼楼道路灯坏了一个月，晚上老人上下楼很危险", **fields: Any
) -> Suggestion:
    data: dict[str, Any] = {"submitter_name": "李阿姨", "submitter_phone": "13712345678"}
    data.update(fields)
    return services.suggestion_submit(community=community, content=content, **data)
