import pytest


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path) -> None:
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "attachments"


@pytest.fixture
def signed_in(client):
    def sign_in(person):
        client.force_login(person)
        return client

    return sign_in


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    # The named people get a hashed password each; the real hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
