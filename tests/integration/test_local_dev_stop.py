"""`make dev` stopped with Ctrl-C: the terminal signals every process of the group, and the state is still saved."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from infra.local.ports import free_port
from tests.integration.running_system import ROOT, wait_until_answering


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
        wait_until_answering(f"http://127.0.0.1:{port}/", process)
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
