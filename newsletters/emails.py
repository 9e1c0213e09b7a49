"""The emails: one issue rendered once, then personalised per recipient by two links.

Rendering a template per recipient would cost more than the SMTP hand-off at 50,000
recipients; the issue is rendered once with markers where each reader's own unsubscribe and
preferences links go, and the markers are replaced per message (the signed tokens are
URL-safe, so they need no HTML escaping). No tracking pixel, no rewritten link: every link in
the email is the article's own address (tests/newsletters/test_emails.py checks).
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import formataddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.html import strip_tags

from images import renditions
from newsroom.seo import absolute_url

from . import tokens
from .models import Send, Subscriber

UNSUBSCRIBE_MARK = "NEWSLETTER-UNSUBSCRIBE-URL"
PREFERENCES_MARK = "NEWSLETTER-PREFERENCES-URL"


def _image(article) -> dict | None:
    """The card rendition of the article's image, by absolute URL, once it exists."""
    if not article.featured_image or not renditions.is_ready(article, "featured_image"):
        return None
    picture = renditions.picture(article, "featured_image", renditions.CARD)
    if picture is None:
        return None
    return {
        "src": renditions.absolute_media_url(picture.src),
        "width": picture.width,
        "height": picture.height,
        "alt": article.featured_image_alt,
    }


def article_items(send: Send) -> list[dict]:
    articles = send.articles.for_listing().order_by("-published_at")
    items = []
    for article in articles:
        byline = ", ".join(author.name for author in article.byline_authors)
        items.append(
            {
                "headline": article.headline,
                "dek": article.dek,
                "url": absolute_url(article.get_absolute_url()),
                "summary": article.summary,
                "body": article.body if send.full_text else "",
                "body_text": strip_tags(article.body) if send.full_text else "",
                "byline": byline,
                "published_at": article.published_at,
                "image": _image(article),
                "section": article.section.name if article.section_id else "",
            }
        )
    return items


@dataclass
class Issue:
    """An issue rendered once: subject, both bodies with markers, and the envelope sender."""

    send: Send
    subject: str
    html: str
    text: str
    from_email: str
    list_id: str

    def message(self, subscriber: Subscriber, *, message_id: str = "") -> EmailMultiAlternatives:
        unsubscribe = tokens.unsubscribe_url(subscriber, self.send.newsletter, self.send)
        preferences = tokens.preferences_url(subscriber)
        return self._message(subscriber.email, unsubscribe, preferences, message_id)

    def _message(self, to, unsubscribe, preferences, message_id):
        def personal(body: str) -> str:
            return body.replace(UNSUBSCRIBE_MARK, unsubscribe).replace(
                PREFERENCES_MARK, preferences
            )

        headers = {
            # RFC 8058: mail programs show an "Unsubscribe" button that POSTs to this address.
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": self.list_id,
        }
        if message_id:
            headers["Message-ID"] = message_id
        message = EmailMultiAlternatives(
            subject=self.subject,
            body=personal(self.text),
            from_email=self.from_email,
            to=[to],
            headers=headers,
        )
        message.attach_alternative(personal(self.html), "text/html")
        return message


def site_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def render_issue(send: Send, *, preview: bool = False) -> Issue:
    context = {
        "send": send,
        "newsletter": send.newsletter,
        "subject": send.subject,
        "preheader": send.preheader,
        "intro": send.intro,
        "items": article_items(send),
        "site_url": settings.SITE_URL,
        "unsubscribe_url": UNSUBSCRIBE_MARK,
        "preferences_url": PREFERENCES_MARK,
        "preview": preview,
        "SITE_NAME": settings.SITE_NAME,
    }
    from_name = settings.NEWSLETTER_FROM_NAME or settings.SITE_NAME
    return Issue(
        send=send,
        subject=send.subject,
        html=render_to_string("newsletters/email/issue.html", context),
        text=render_to_string("newsletters/email/issue.txt", context),
        from_email=formataddr((from_name, settings.NEWSLETTER_FROM_EMAIL)),
        list_id=f"{send.newsletter.name} <{send.newsletter.slug}.{site_domain()}>",
    )


def message_id(delivery_pk: int, send_pk: int) -> str:
    """Fixed per delivery: were a delivery ever handed over twice, the receiving side could
    tell the copies apart from a new message by this header."""
    return f"<newsletter-{send_pk}-{delivery_pk}@{site_domain()}>"


def preview_html(send: Send) -> str:
    issue = render_issue(send, preview=True)
    return issue.html.replace(UNSUBSCRIBE_MARK, "#unsubscribe").replace(
        PREFERENCES_MARK, "#preferences"
    )


def editor_test_message(send: Send, to: str) -> EmailMultiAlternatives:
    """The issue as a recipient would get it, for an editor's own check; its links lead to
    the newsletter page rather than to anyone's preferences."""
    issue = render_issue(send)
    page = absolute_url("/newsletter/")
    message = issue._message(to, page, page, "")
    message.subject = f"[Test] {issue.subject}"
    return message


def confirmation_message(subscriber: Subscriber) -> EmailMultiAlternatives:
    """To the address itself: a confirmation link for what is pending, else a note saying
    it is subscribed already, with its preferences link. Same answer on the site either way."""
    pending = [
        s.newsletter for s in subscriber.subscriptions.pending().select_related("newsletter")
    ]
    active = [s.newsletter for s in subscriber.subscriptions.active().select_related("newsletter")]
    context = {
        "pending": pending,
        "active": active,
        "confirm_url": tokens.confirm_url(subscriber) if pending else "",
        "preferences_url": tokens.preferences_url(subscriber),
        "days": settings.NEWSLETTER_CONFIRM_DAYS,
        "site_url": settings.SITE_URL,
    }
    if pending:
        subject = f"Confirm your subscription to {settings.SITE_NAME}"
    else:
        subject = f"Your {settings.SITE_NAME} newsletters"
    text = render_to_string("newsletters/email/confirm.txt", context)
    html = render_to_string("newsletters/email/confirm.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=formataddr(
            (settings.NEWSLETTER_FROM_NAME or settings.SITE_NAME, settings.NEWSLETTER_FROM_EMAIL)
        ),
        to=[subscriber.email],
    )
    message.attach_alternative(html, "text/html")
    return message
