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
