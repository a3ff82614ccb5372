"""Personal data off the public pages: names reduced (张**), phones masked (138****1234),
identity card numbers hidden, in fields and inside free text."""

from __future__ import annotations

import re
from collections.abc import Iterable

from core.templatetags.taizhang import mask_name, mask_phone

# A mainland mobile number not glued to other digits; an 18-character identity number.
MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})(?!\d)")
IDENTITY = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[0-9Xx])(?![0-9A-Za-z])")
LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})-?(\d{7,8})(?!\d)")


def mask_text(text: str, *, names: Iterable[str] = ()) -> str:
    """``text`` with phone and identity numbers masked and each of ``names`` reduced."""
    if not text:
        return ""
    text = IDENTITY.sub(lambda m: f"{m.group(1)}********{m.group(3)[-1]}", text)
    text = MOBILE.sub(lambda m: mask_phone(m.group(1) + m.group(2) + m.group(3)), text)
    text = LANDLINE.sub(lambda m: f"{m.group(1)}-****{m.group(2)[-3:]}", text)
    for name in sorted({n for n in names if n and len(n) >= 2}, key=len, reverse=True):
        text = text.replace(name, mask_name(name))
    return text
