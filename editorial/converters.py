"""Path converters for the editorial URLs."""


class TokenConverter:
    """Preview-link tokens are URL-safe base64 (``secrets.token_urlsafe``); the view
    answers 404 to any that is too long, so the length is not limited here."""

    regex = r"[A-Za-z0-9_-]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
