"""The admin side of the editorial workflow, shared by every kind of edited content.

A content model's admin inherits ``EditorialAdminMixin`` (workflow buttons, bulk actions,
revisions, preview) and uses ``StateListFilter`` and ``StatusChangeInline``; the audit
trail has its own read-only list (``StatusChangeAdmin``).
"""

from django.contrib import admin

from ..models import Notification, StatusChange
from .filters import StateListFilter, state_label
from .notifications import NotificationAdmin
from .pages import RevisionPagesMixin, error_text
from .trail import ReadOnlyInlineMixin, StatusChangeAdmin, StatusChangeInline
from .workflow import EditorialAdminMixin

admin.site.register(StatusChange, StatusChangeAdmin)
admin.site.register(Notification, NotificationAdmin)

__all__ = [
    "EditorialAdminMixin",
    "NotificationAdmin",
    "ReadOnlyInlineMixin",
    "RevisionPagesMixin",
    "StateListFilter",
    "StatusChangeAdmin",
    "StatusChangeInline",
    "error_text",
    "state_label",
]
