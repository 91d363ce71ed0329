"""Stop early, with directions, when the test suite's PostgreSQL or Redis is unreachable.

The tests never fall back to SQLite: they are meant to prove the real stack.
"""

import os
import sys
from urllib.parse import urlsplit

import psycopg2
import redis

START_POSTGRES = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
START_REDIS = (
    'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" '
    "--appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log"
)


def check_postgres(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        return f"DATABASE_URL must point at PostgreSQL for the tests, not {parts.scheme!r}."
    try:
        # The server's own maintenance database: the test database is made by the tests.
        psycopg2.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=parts.username or "postgres",
            password=parts.password or None,
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except psycopg2.OperationalError as error:
        first_line = str(error).strip().splitlines()[0]
        return (
            f"PostgreSQL at {parts.hostname}:{parts.port or 5432} is unreachable ({first_line}).\n"
            f"  Start it, for example with: {START_POSTGRES}"
        )
    return None


def check_redis(url: str) -> str | None:
    try:
        redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3).ping()
    except redis.RedisError as error:
        return (
            f"Redis at {url} is unreachable ({error}).\n  Start it, for example with: {START_REDIS}"
        )
    return None


def main() -> int:
    problems = [
        problem
        for problem in (
            check_postgres(os.environ["DATABASE_URL"]),
            check_redis(os.environ["REDIS_URL"]),
        )
        if problem
    ]
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
