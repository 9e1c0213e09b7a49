"""The desk on the admin's home page, and the unread count in the admin's header."""

from django import template

from editorial import desk

register = template.Library()


@register.simple_tag
def editorial_desk(user):
    """The desk's sections for ``user`` (editorial/desk.py)."""
    return desk.desk(user)


@register.simple_tag
def unread_notifications(user, limit=5):
    """``(count, newest)`` of the user's unread notifications."""
    if not (user.is_authenticated and user.is_staff):
        return (0, [])
    return desk.unread_notifications(user, limit=limit)


@register.filter
def desk_time(item, field_name):
    """The time a desk list shows for ``item`` (an annotation or a field)."""
    return getattr(item, field_name, None)
