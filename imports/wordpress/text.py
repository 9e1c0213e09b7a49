"""Plain text from WordPress values: titles, names, excerpts and alt text.

WordPress keeps entities, stray tags and control characters (pasted from word processors)
in fields that are plain text here; every step that reads such a field goes through
``clean_text`` so a name or a headline never carries markup in.
"""

from __future__ import annotations

import re
from html import unescape

from django.core.exceptions import ValidationError
from django.utils.html import strip_tags

from images.validators import validate_alt_text

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"\s+")


def clean_text(value: str | None) -> str:
    """Markup-free, single-spaced text from a WordPress title, name or excerpt."""
    text = unescape(strip_tags(unescape(value or "")))
    text = _CONTROL.sub("", text).replace("\u00a0", " ")
    return _SPACES.sub(" ", text).strip()


def usable_alt(value: str | None) -> str:
    """``value`` as alt text if it describes something (see validate_alt_text), else ''."""
    text = clean_text(value)
    if not text or len(text) > 300:
        return ""
    try:
        validate_alt_text(text)
    except ValidationError:
        return ""
    return text
