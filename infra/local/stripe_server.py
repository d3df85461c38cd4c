"""localstripe, the fake Stripe server, in a child process that listens on loopback only.

A child process rather than a thread of this one: localstripe keeps its objects, its webhooks and its aiohttp
app in module globals, so two servers in one process would share everything (a test's flush would wipe the
local cloud's data). A child also isolates its event loop and stops cleanly with SIGTERM.

We do not run the `localstripe` console script: it listens on `::` (every interface, IPv4 and IPv6) and
reloads whatever the last run pickled to /tmp/localstripe.pickle. What the local cloud keeps across a restart is
asked for (`snapshot`) and handed back (`start_localstripe(restore=...)`) explicitly: infra/local/persistence.py.
"""

from __future__ import annotations

import argparse
import logging
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass

logger = logging.getLogger(__name__)

# Obviously fake keys: localstripe accepts any `sk_…` secret key and any `pk_…` publishable key, Stripe none of these.
SECRET_KEY = "sk_test_local_fake"  # noqa: S105 - a fake key for the fake server
PUBLISHABLE_KEY = "pk_test_local_fake"

_LOOPBACK = "127.0.0.1"
# Under /_config/, where localstripe asks for no API key (like its own /_config/webhooks).
SNAPSHOT_PATH = "/_config/local/snapshot"


class LocalStripeError(RuntimeError):
    """localstripe did not start, or refused a configuration request."""


@dataclass
class LocalStripe:
    host: str
    port: int
    process: subprocess.Popen[bytes]

    @property
    def api_base(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def js_url(self) -> str:
        """Its fake Stripe.js, for the SPA's <script> tag instead of https://js.stripe.com/v3/."""
        return f"{self.api_base}/js.stripe.com/v3/"

    def register_webhook(self, webhook_id: str, url: str, secret: str, events: Sequence[str] | None = None) -> None:
        """Send every event (or only `events`) to `url`, signed with `secret`; the same id replaces an endpoint."""
        fields: list[tuple[str, str]] = [("url", url), ("secret", secret)]
        # localstripe unflattens `events[]` into a list; without the field it sends every event type.
        fields += [("events[]", event) for event in events or ()]
        self._config_request("POST", f"/_config/webhooks/{urllib.parse.quote(webhook_id, safe='')}", fields)

    def snapshot(self) -> bytes:
        """Every object of the store as one pickle, taken between two requests (localstripe has one event loop)."""
        request = urllib.request.Request(f"{self.api_base}{SNAPSHOT_PATH}")  # noqa: S310 - loopback
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - a fixed http URL on loopback
            data: bytes = response.read()
            return data

    def flush(self) -> None:
        """Forget every object (intents, charges, tokens…). Registered webhooks stay."""
        self._config_request("DELETE", "/_config/data", None)

    def stop(self, timeout: float = 5.0) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                logger.warning("localstripe on port %d ignored SIGTERM; killing it", self.port)
                self.process.kill()
                self.process.wait(timeout=timeout)
        if self.process.stdin is not None:
            self.process.stdin.close()

    def _config_request(self, method: str, path: str, fields: list[tuple[str, str]] | None) -> None:
        body = urllib.parse.urlencode(fields).encode() if fields is not None else None
        request = urllib.request.Request(f"{self.api_base}{path}", data=body, method=method)  # noqa: S310 - loopback
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - a fixed http URL on loopback
                response.read()
        except urllib.error.HTTPError as exc:
            raise LocalStripeError(f"localstripe refused {method} {path}: {exc.code} {exc.read()!r}") from exc


def start_localstripe(port: int, startup_timeout: float = 15.0, restore: str | None = None) -> LocalStripe:
    """Start localstripe on 127.0.0.1:port and return once it answers HTTP requests.

    `restore` names a file holding a `LocalStripe.snapshot()`: the store starts with its objects.
    """
    arguments = ["--port", str(port)] + (["--restore", restore] if restore else [])
    process = subprocess.Popen(  # noqa: S603 - our own interpreter running this very file
        # -P keeps this file's folder off the child's sys.path, where a sibling module could shadow the stdlib.
        [sys.executable, "-P", os.path.abspath(__file__), *arguments],
        # The child exits when this pipe reaches end of file, so it cannot outlive us even if we are killed.
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        # Its own session: Ctrl-C in `make dev` signals the terminal's whole process group, and localstripe must
        # still be up while the stopping system saves Stripe's store; we stop it ourselves afterwards.
        start_new_session=True,
    )
    server = LocalStripe(host=_LOOPBACK, port=port, process=process)
    try:
        _wait_until_answering(server, startup_timeout)
    except BaseException:
        server.stop()
        raise
    logger.info("localstripe listening on %s (pid %d)", server.api_base, process.pid)
    return server


def _wait_until_answering(server: LocalStripe, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        exit_code = server.process.poll()
        if exit_code is not None:
            raise LocalStripeError(f"localstripe exited with code {exit_code} before answering (its stderr is above)")
        try:
            with urllib.request.urlopen(server.js_url, timeout=1) as response:  # noqa: S310 - loopback
                response.read()
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if time.monotonic() > deadline:
                raise LocalStripeError(f"localstripe did not answer on {server.api_base} within {timeout} s") from None
            time.sleep(0.05)


def _serve(port: int, restore: str | None) -> None:
    """The child process: localstripe's aiohttp app on 127.0.0.1:port until SIGTERM, SIGINT or end of stdin."""
    from aiohttp import web
    from localstripe import resources

    from infra.local.stripe_payment_intents import patch_payment_intents
    from infra.local.stripe_requests import install

    # Before localstripe.server is imported: it builds its routes from the methods patched here.
    patch_payment_intents(resources)
    from localstripe import server

    # localstripe pickles its whole store to the fixed path /tmp/localstripe.pickle on every write: slow as the
    # store grows, and racy when two servers run on one machine. The store lives as long as the process, unless
    # the local cloud asks for a snapshot and hands it back at the next start.
    resources.store.dump_to_disk = lambda: None
    install(server.app, server)
    if restore:
        with open(restore, "rb") as snapshot:
            # Our own snapshot from the local cloud's state folder, written by the code below.
            resources.store.update(pickle.load(snapshot))  # noqa: S301

    async def take_snapshot(_: web.Request) -> web.Response:
        # One coroutine, no await while pickling: no request changes the store meanwhile.
        body = pickle.dumps(dict(resources.store), protocol=pickle.HIGHEST_PROTOCOL)
        return web.Response(body=body, content_type="application/octet-stream")

    server.app.router.add_get(SNAPSHOT_PATH, take_snapshot)

    def exit_when_parent_goes() -> None:
        # os.read, not sys.stdin: a daemon thread blocked inside a buffered reader aborts interpreter shutdown.
        while os.read(sys.stdin.fileno(), 1024):
            pass
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=exit_when_parent_goes, name="parent-watch", daemon=True).start()
    logging.basicConfig(level=logging.WARNING, format="localstripe %(levelname)s %(name)s: %(message)s")
    # localstripe reports each webhook delivery (and its failure) at INFO on this logger; access logs stay off.
    logging.getLogger("aiohttp.access").setLevel(logging.INFO)
    web.run_app(server.app, host=_LOOPBACK, port=port, access_log=None, print=None)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=_serve.__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--restore", help="a snapshot file to start the store from")
    arguments = parser.parse_args()
    _serve(arguments.port, arguments.restore)
