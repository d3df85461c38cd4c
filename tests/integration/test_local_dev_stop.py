"""`make dev` stopped with Ctrl-C: the terminal signals every process of the group, and the state is still saved."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from infra.local.ports import free_port

ROOT = Path(__file__).resolve().parents[2]


def _wait_until_answering(url: str, process: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the local system exited while starting"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} never answered")


def test_ctrl_c_stops_the_local_system_after_saving_its_state(tmp_path: Path) -> None:
    state = tmp_path / "state"
    port, aws_port, stripe_port = free_port(), free_port(), free_port()
    command = [sys.executable, "-m", "infra.local", "--state-dir", str(state), "--port", str(port)]
    command += ["--aws-port", str(aws_port), "--stripe-port", str(stripe_port)]
    # A session of its own stands in for the terminal's foreground process group.
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        _wait_until_answering(f"http://127.0.0.1:{port}/", process)
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C does: the whole group, localstripe included
        output, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode == 0, output.decode()[-3000:]
    assert b"state saved to" in output
    assert (state / "CURRENT").is_file()
    saved = state / "snapshots" / (state / "CURRENT").read_text().strip()
    assert {path.name for path in saved.iterdir()} >= {"dynamodb.json", "stripe.pickle"}  # Stripe's store too
