"""Path converters for values that are not plain ASCII slugs.

Tag slugs may be Unicode (taggit keeps "zürich"), so Django's ``slug`` converter is too
strict; ``str`` is too loose, because it lets control characters such as NUL reach the
database, which PostgreSQL refuses with an error instead of "not found".
"""


class TagSlugConverter:
    regex = r"[^/\x00-\x1f\x7f]{1,100}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class TokenConverter:
    """Preview-link tokens are URL-safe base64 (``secrets.token_urlsafe``); the view
    answers 404 to any that is too long, so the length is not limited here."""

    regex = r"[A-Za-z0-9_-]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
