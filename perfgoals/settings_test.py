"""Settings for the test suite: production's settings with a fast password hasher.

Production keeps Django's strong default; hashing every test user with it made
`make test` take 17 minutes here.
"""

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
