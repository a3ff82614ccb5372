"""Reads of the public pages: live publications with their items' progress, masked.

Nothing here returns a person: only the unit, the status, the latest progress text with
names and numbers masked, the percentage and the time of the last update.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from core.models import Event
from orgs.models import User
from public.masking import mask_text
from public.models import Publication


@dataclass
class PublicProgress:
    """What the public sees of one published item."""

    publication: Publication
    title: str
    summary: str
    status: str
    is_closed: bool
    org_name: str
    deadline: datetime.date | None
    progress_text: str
    percent: int | None
    last_update: datetime.datetime


def live_publications() -> QuerySet[Publication]:
    return Publication.objects.live().select_related("org", "content_type")


def _items(publications: list[Publication]) -> dict[tuple[int, int], Any]:
    """The published items, one query per kind of item."""
    wanted: dict[int, list[int]] = defaultdict(list)
    for publication in publications:
        wanted[publication.content_type_id].append(publication.object_id)
    found = {}
    for content_type_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is None:
            continue
        for item in model.objects.filter(pk__in=ids).select_related("org"):
            found[(content_type_id, item.pk)] = item
    return found


def public_progress(publications: list[Publication]) -> list[PublicProgress]:
    """The public view of each publication (whose item still exists), in order.

    Progress is the latest "progress reported" event of the item (any app's progress
    report writes one); names of the people on the item's timeline and its owner are
    masked inside the text, as are phone and identity numbers.
    """
    items = _items(publications)
    keys = list(items)
    latest: dict[tuple[int, int], Event] = {}
    last_event: dict[tuple[int, int], datetime.datetime] = {}
    actors: dict[tuple[int, int], set[int]] = defaultdict(set)
    if keys:
        by_type: dict[int, list[int]] = defaultdict(list)
        for content_type_id, object_id in keys:
            by_type[content_type_id].append(object_id)
        for content_type_id, ids in by_type.items():
            events = Event.objects.filter(content_type_id=content_type_id, object_id__in=ids).order_by(
                "created_at", "id"
            )
            for event in events.only("object_id", "action", "comment", "changes", "created_at", "actor_id"):
                key = (content_type_id, event.object_id)
                last_event[key] = event.created_at
                if event.actor_id:
                    actors[key].add(event.actor_id)
                if event.action == "progress_reported":
                    latest[key] = event
    person_ids = {pk for ids in actors.values() for pk in ids} | {
        getattr(item, "owner_id", None) for item in items.values() if getattr(item, "owner_id", None)
    }
    names = dict(User.objects.filter(pk__in=person_ids).values_list("pk", "real_name"))
    result = []
    for publication in publications:
        key = (publication.content_type_id, publication.object_id)
        item = items.get(key)
        if item is None:
            continue
        event = latest.get(key)
        item_names = [names.get(pk, "") for pk in actors[key] | {getattr(item, "owner_id", None)} if pk]
        percent = event.changes.get("percent") if event is not None else None
        updated = max(filter(None, [getattr(item, "updated_at", None), last_event.get(key)]), default=None)
        result.append(
            PublicProgress(
                publication=publication,
                title=mask_text(publication.public_title, names=item_names),
                summary=mask_text(publication.summary, names=item_names),
                status=item.get_status_display(),
                is_closed=item.is_closed,
                org_name=item.org.name,
                deadline=getattr(item, "deadline", None),
                progress_text=mask_text(event.comment if event else "", names=item_names),
                percent=100 if item.is_closed else (percent if isinstance(percent, int) else None),
                last_update=updated or publication.published_at,
            )
        )
    return result


def item_publication(item: Any) -> Publication | None:
    """The live publication of ``item``, if it is published."""
    return (
        Publication.objects.live()
        .filter(content_type=ContentType.objects.get_for_model(item), object_id=item.pk)
        .first()
    )
