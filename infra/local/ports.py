from __future__ import annotations

import socket


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


class PortInUseError(RuntimeError):
    def __init__(self, host: str, port: int, purpose: str) -> None:
        super().__init__(f"{host}:{port} is already in use; stop what runs there or choose another port for {purpose}")
        self.port = port


def require_free(host: str, port: int, purpose: str) -> None:
    """Fail fast and clearly: servers started on a busy port otherwise die in a background thread."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise PortInUseError(host, port, purpose) from exc
