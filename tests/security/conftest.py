import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 as configured costs ~100 MB and most of a second per hash; these tests log in
    hundreds of times. Same algorithm, test-sized costs (tests/security/helpers.py)."""
    settings.PASSWORD_HASHERS = [
        "tests.security.helpers.FastArgon2PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]
