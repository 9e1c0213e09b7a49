class PagePathConverter:
    """One to three slugs separated by slashes (``about``, ``about/masthead``).

    Narrower than ``<path:>``: an address with a dot or too many levels (``/favicon.ico``,
    ``/wp-login.php``) is not a page address at all, so the catch-all does not make
    CommonMiddleware redirect it to a slash-ended address that can only be a 404.
    """

    regex = r"[-a-zA-Z0-9_]+(?:/[-a-zA-Z0-9_]+){0,2}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
