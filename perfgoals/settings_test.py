"""Settings for the test suite: production's settings with a fast password hasher.

Production hashes with Argon2id, and PBKDF2 before it made `make test` take 17 minutes here;
tests/test_hashers.py puts production's list back to test it.
"""

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
