"""Production's password hashers: old PBKDF2 hashes still log in and come out as Argon2id.

The test settings hash with MD5 for speed, so these tests put production's list back.
"""

from django.contrib.auth.hashers import PBKDF2PasswordHasher, check_password, identify_hasher, make_password
from django.test import override_settings

from perfgoals import settings as production_settings
from perfgoals.hashers import Argon2idHasher
from projects.accounts.models import User

from .factories import UserFactory

PASSWORD = "an-old-Passw0rd-from-2025"
LOGIN = "/accounts/login/"

production_hashers = override_settings(PASSWORD_HASHERS=production_settings.PASSWORD_HASHERS)


def _user_with(encoded: str) -> User:
    user = UserFactory(username="veteran")
    User.objects.filter(pk=user.pk).update(password=encoded)
    return user


@production_hashers
def test_production_hashes_new_passwords_with_argon2id():
    encoded = make_password(PASSWORD)
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=4,p=1$")
    assert check_password(PASSWORD, encoded)


@production_hashers
def test_pbkdf2_user_logs_in_and_comes_out_with_argon2id(client, db):
    old = PBKDF2PasswordHasher()
    user = _user_with(old.encode(PASSWORD, old.salt()))
    response = client.post(LOGIN, {"username": "veteran", "password": PASSWORD}, REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    user.refresh_from_db()
    assert isinstance(identify_hasher(user.password), Argon2idHasher)
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=4,p=1$")
    # And the new hash is the one that logs in next time.
    client.logout()
    assert client.post(LOGIN, {"username": "veteran", "password": PASSWORD}).status_code == 302


@production_hashers
def test_wrong_password_leaves_the_pbkdf2_hash_alone(client, db):
    old = PBKDF2PasswordHasher()
    encoded = old.encode(PASSWORD, old.salt())
    user = _user_with(encoded)
    response = client.post(LOGIN, {"username": "veteran", "password": "not-it"})
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.password == encoded


@production_hashers
def test_argon2_hash_with_djangos_defaults_is_retuned_at_login(client, db):
    """Django's stock Argon2 parameters (100 MiB, 8 lanes) verify, then are re-made with ours."""
    from django.contrib.auth.hashers import Argon2PasswordHasher

    stock = Argon2PasswordHasher()
    user = _user_with(stock.encode(PASSWORD, stock.salt()))
    assert client.post(LOGIN, {"username": "veteran", "password": PASSWORD}).status_code == 302
    user.refresh_from_db()
    assert "$m=19456,t=4,p=1$" in user.password


def test_production_keeps_pbkdf2_after_argon2id():
    hashers = production_settings.PASSWORD_HASHERS
    assert hashers[0] == "perfgoals.hashers.Argon2idHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in hashers[1:]


def test_argon2id_is_at_least_as_strong_as_the_pbkdf2_it_replaces():
    # OWASP gives PBKDF2-SHA256 at 600,000 iterations and Argon2id at 19 MiB x 2 passes as its minimums.
    argon2_strength = Argon2idHasher.memory_cost / 1024 * Argon2idHasher.time_cost / (19 * 2)
    assert argon2_strength >= PBKDF2PasswordHasher.iterations / 600_000
