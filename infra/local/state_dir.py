"""The local cloud's state folder: complete snapshots only, one process at a time.

    <state dir>/snapshots/<taken at>/dynamodb.json   every table, DynamoDB JSON
    <state dir>/snapshots/<taken at>/stripe.pickle   localstripe's store
    <state dir>/CURRENT                              the name of the newest complete snapshot

A snapshot is written into its own folder and becomes current only once both files are on disk (CURRENT is
replaced atomically), so a stop cut short leaves the previous snapshot in force, never half of each.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO


class StateDirInUseError(RuntimeError):
    def __init__(self, path: Path) -> None:
        super().__init__(f"{path} is in use by another local cloud; stop it, or give this one another --state-dir")
        self.path = path


@dataclass(frozen=True)
class Snapshot:
    path: Path

    @property
    def dynamodb_file(self) -> Path:
        return self.path / "dynamodb.json"

    @property
    def stripe_file(self) -> Path:
        return self.path / "stripe.pickle"


class StateDir:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._lock: IO[bytes] | None = None

    def acquire(self) -> StateDir:
        """Hold the folder for this process (until `release` or exit); two clouds saving into one would clash."""
        if self._lock is not None:
            return self
        self.path.mkdir(parents=True, exist_ok=True)
        lock = (self.path / "lock").open("wb")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            raise StateDirInUseError(self.path) from None
        self._lock = lock
        return self

    def release(self) -> None:
        if self._lock is not None:
            self._lock.close()  # closing the file drops the lock
            self._lock = None

    def latest(self) -> Snapshot | None:
        current = self.path / "CURRENT"
        if not current.is_file():
            return None
        snapshot = Snapshot(self._snapshots / current.read_text().strip())
        if not (snapshot.dynamodb_file.is_file() and snapshot.stripe_file.is_file()):
            raise FileNotFoundError(f"{current} names {snapshot.path}, which is incomplete: start with --fresh")
        return snapshot

    def discard(self) -> None:
        """Forget every snapshot: the next start is a fresh, seeded one."""
        (self.path / "CURRENT").unlink(missing_ok=True)
        shutil.rmtree(self._snapshots, ignore_errors=True)

    def save(self, dynamodb: bytes, stripe: bytes) -> Snapshot:
        name = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + f"-{time.monotonic_ns()}"
        snapshot = Snapshot(self._snapshots / name)
        snapshot.path.mkdir(parents=True)
        _write_durably(snapshot.dynamodb_file, dynamodb)
        _write_durably(snapshot.stripe_file, stripe)
        pending = self.path / "CURRENT.new"
        _write_durably(pending, name.encode())
        pending.replace(self.path / "CURRENT")
        for older in self._snapshots.iterdir():
            if older.name != name:
                shutil.rmtree(older, ignore_errors=True)
        return snapshot

    @property
    def _snapshots(self) -> Path:
        return self.path / "snapshots"


def _write_durably(path: Path, data: bytes) -> None:
    with path.open("wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
