"""Whether a SECRET_KEY is fit for production: long, random, and not a placeholder.

Anyone who knows the key can forge a session cookie or a password-reset link, so a key copied
from .env.example, a Dockerfile or Django's development default is as good as published. The
settings refuse such a key when DEBUG is off (portal/settings.py).
"""

MIN_LENGTH = 50
MIN_UNIQUE_CHARACTERS = 5
# Words people leave in a key they meant to replace, looked for with case, dashes and
# underscores ignored ("Change_Me" is "changeme"). Each has five letters or more, so a key from
# secrets.token_urlsafe(50) holds one by chance about once in 200,000: then make another.
PLACEHOLDER_WORDS = (
    "change",
    "placeholder",
    "replace",
    "secretkey",
    "yoursecret",
    "example",
    "sample",
    "dummy",
    "default",
    "fixme",
    "insecure",
    "collectstatic",
)


def why_unsafe(key: str) -> str | None:
    """What is wrong with `key` as a production key, or None if nothing is. Never quotes it."""
    if len(key) < MIN_LENGTH:
        return f"it is shorter than {MIN_LENGTH} characters"
    if len(set(key)) < MIN_UNIQUE_CHARACTERS:
        return f"it has fewer than {MIN_UNIQUE_CHARACTERS} different characters"
    if key.startswith("django-insecure"):
        return 'it is a Django development key (it starts with "django-insecure")'
    plain = key.lower().replace("-", "").replace("_", "")
    for word in PLACEHOLDER_WORDS:
        if word in plain:
            return f'it contains "{word}": it is a placeholder, meant to be replaced'
    return None
