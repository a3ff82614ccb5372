"""Find every write the server acknowledged: ``python -m bench.load.verify ACKS.json``.

Each acknowledged write carries a unique marker in a text field; this looks each marker
up in the database and prints ``{"kind": {"acknowledged", "found", "lost": [...]}}``.
"""

from __future__ import annotations

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")
django.setup()

from django.apps import apps  # noqa: E402

# kind of write → (model, field holding the marker)
WHERE = {
    "problem_create": ("rectification.Problem", "title"),
    "progress_report": ("rectification.ProgressReport", "text"),
    "wish_post": ("wishes.Wish", "title"),
    "suggestion_submit": ("intake.Suggestion", "content"),
}
# Claims are acknowledged as "<wish id>:<user name>"; found when that wish's owner is that user.
CLAIMS = {"wish_claim": "wishes.Wish"}


def main() -> None:
    from pathlib import Path

    acks = json.loads(Path(sys.argv[1]).read_text())
    result = {}
    for kind, markers in acks.items():
        if kind in CLAIMS:
            model = apps.get_model(CLAIMS[kind])
            wanted = {int(m.split(":")[0]): m.split(":", 1)[1] for m in markers}
            owners = dict(model._base_manager.filter(pk__in=wanted).values_list("pk", "owner__username"))
            lost = [m for m in markers if owners.get(int(m.split(":")[0])) != m.split(":", 1)[1]]
            result[kind] = {"acknowledged": len(markers), "found": len(markers) - len(lost), "lost": lost[:20]}
            continue
        label, field = WHERE[kind]
        model = apps.get_model(label)
        found: set[str] = set()
        for start in range(0, len(markers), 500):
            chunk = markers[start : start + 500]
            # Markers are unique words inside the text; exact match where the field is the marker.
            for value in model._base_manager.filter(**{f"{field}__in": chunk}).values_list(field, flat=True):
                found.add(value)
        lost = [m for m in markers if m not in found]
        result[kind] = {"acknowledged": len(markers), "found": len(markers) - len(lost), "lost": lost[:20]}
    print(json.dumps(result))


main()
