"""Small helpers for showing people."""

from django import template

register = template.Library()


@register.filter
def initials(name: str) -> str:
    """Up to two initials for the neutral placeholder shown when an author has no photo."""
    parts = [part for part in str(name).split() if part[:1].isalnum()]
    if not parts:
        return ""
    letters = parts[0][0] + (parts[-1][0] if len(parts) > 1 else "")
    return letters.upper()
