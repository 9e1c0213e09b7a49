"""ISBN normalising and checksum validation (ISBN-10 and ISBN-13)."""

from django.core.exceptions import ValidationError


def normalize_isbn(value: str) -> str:
    return "".join(ch for ch in (value or "").upper() if ch.isdigit() or ch == "X")


def is_valid_isbn(value: str) -> bool:
    digits = normalize_isbn(value)
    if len(digits) == 10:
        if not digits[:9].isdigit() or not (digits[9].isdigit() or digits[9] == "X"):
            return False
        total = sum((10 - i) * int(d) for i, d in enumerate(digits[:9]))
        total += 10 if digits[9] == "X" else int(digits[9])
        return total % 11 == 0
    if len(digits) == 13 and digits.isdigit():
        total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits))
        return total % 10 == 0
    return False


def validate_isbn(value: str) -> None:
    if value and not is_valid_isbn(value):
        raise ValidationError(
            "“%(value)s” is not a valid ISBN-10 or ISBN-13 (check the digits and the last "
            "check digit).",
            code="invalid_isbn",
            params={"value": value},
        )
