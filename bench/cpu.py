"""CPU used over a window: by this process (moto, the Lambda handlers, the API, boto3: one interpreter, one GIL), by
the localstripe child, and by the whole machine (other people's work included), in cores.

One interpreter runs Python on one core at a time: a process near 1.0 core while the machine has more is bound
by the GIL, not by the machine.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path


def clock_ticks() -> int:
    """The unit of /proc's CPU times, per second."""
    return os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass(frozen=True)
class CpuUse:
    seconds: float
    process_cores: float
    localstripe_cores: float
    machine_cores: float  # busy cores of the whole machine, every process
    cores: int

    def as_json(self) -> dict[str, float]:
        return {
            "seconds": round(self.seconds, 2),
            "process_cores": round(self.process_cores, 2),
            "localstripe_cores": round(self.localstripe_cores, 2),
            "machine_cores": round(self.machine_cores, 2),
            "cores": self.cores,
        }


@dataclass(frozen=True)
class _Reading:
    wall: float
    process: float
    child: float
    machine_busy: float
    machine_total: float


class CpuWindow:
    def __init__(self, child_pid: int | None) -> None:
        self._child_pid = child_pid
        self._start = self._read()

    def stop(self) -> CpuUse:
        end = self._read()
        wall = end.wall - self._start.wall
        cores = os.cpu_count() or 1
        total = end.machine_total - self._start.machine_total
        busy_share = (end.machine_busy - self._start.machine_busy) / total if total else 0.0
        return CpuUse(
            seconds=wall,
            process_cores=(end.process - self._start.process) / wall if wall else 0.0,
            localstripe_cores=(end.child - self._start.child) / wall if wall else 0.0,
            machine_cores=busy_share * cores,
            cores=cores,
        )

    def _read(self) -> _Reading:
        times = os.times()
        busy, total = _machine_jiffies()
        return _Reading(time.perf_counter(), times.user + times.system, self._child_seconds(), busy, total)

    def _child_seconds(self) -> float:
        if self._child_pid is None:
            return 0.0
        return proc_cpu_seconds(Path(f"/proc/{self._child_pid}/stat")) or 0.0


def proc_cpu_seconds(stat: Path) -> float | None:
    """User plus system CPU seconds of a process or thread from its /proc stat file; None when it is gone."""
    try:
        fields = stat.read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # Fields 14 and 15 of proc(5), counted after the command name: utime and stime, in clock ticks.
    return (int(fields[11]) + int(fields[12])) / clock_ticks()


def _machine_jiffies() -> tuple[float, float]:
    try:
        first = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return 0.0, 0.0
    values = [float(value) for value in first[:8]]  # guest time is already inside user time
    idle = values[3] + (values[4] if len(values) > 4 else 0.0)  # idle + iowait
    return sum(values) - idle, sum(values)
