"""The local system as `make dev` runs it: `python -m infra.local` in a process of its own, on free ports."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from infra.local.ports import free_port

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class RunningSystem:
    process: subprocess.Popen[bytes]
    base_url: str  # the API, the webhook route and the web app
    aws_endpoint: str  # moto: the local AWS, for looking inside and for changing what an operator would change
    stripe_api_base: str


def wait_until_answering(
    url: str, process: subprocess.Popen[bytes], timeout: float = 90, post_json: bytes | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the local system exited while starting"
        request = urllib.request.Request(url, data=post_json, headers={"content-type": "application/json"})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} never answered")


@contextmanager
def running_local_system(
    environment: Mapping[str, str] | None = None, arguments: tuple[str, ...] = ()
) -> Iterator[RunningSystem]:
    """Started, answering on /graphql, and stopped (its whole process group) at the end, whatever happened."""
    port, aws_port, stripe_port = free_port(), free_port(), free_port()
    command = [sys.executable, "-m", "infra.local", "--port", str(port), *arguments]
    command += ["--aws-port", str(aws_port), "--stripe-port", str(stripe_port)]
    # A session of its own stands in for the terminal's foreground process group.
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        command,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env={**os.environ, **(environment or {})},
    )
    system = RunningSystem(
        process, f"http://127.0.0.1:{port}", f"http://127.0.0.1:{aws_port}", f"http://127.0.0.1:{stripe_port}"
    )
    try:
        wait_until_answering(f"{system.base_url}/graphql", process, post_json=b'{"query": "{ __typename }"}')
        yield system
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
