"""Services a test starts, owns and stops by process id: never the shared ones."""

import shutil
import subprocess
import tempfile
import time

import redis

from tests.smtp_server import free_port


class OwnRedis:
    """A redis-server of the test's own on a spare port, that the test may stop and restart.

    With `append_only`, it keeps its data in an append-only file, as the broker does in the
    compose stack, so a restart brings back everything it held.
    """

    def __init__(self, *, append_only: bool = False) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.append_only = append_only
        self.folder = tempfile.mkdtemp(prefix="portal-own-redis-") if append_only else None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "OwnRedis":
        keeping = ["--appendonly", "yes", "--appendfsync", "always", "--dir", self.folder]
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             *(keeping if self.append_only else ["--appendonly", "no"]), "--daemonize", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 20
        while True:
            try:
                redis.Redis.from_url(self.url, socket_connect_timeout=0.5).ping()
                return self
            except redis.RedisError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None

    def remove(self) -> None:
        """Stop it and delete what it kept on disk."""
        self.stop()
        if self.folder:
            shutil.rmtree(self.folder, ignore_errors=True)
