"""The Lambda bundle on its own: the runtime dependency set installed for this machine into an empty folder, and a
fresh interpreter that sees nothing but that folder and the code zip's packages (no venv, no site-packages).

The deployed layer is built for arm64 and cannot load here, so the check is in two halves: this machine's
resolution runs the handlers, and it must pin exactly the versions the layer ships.
"""

from __future__ import annotations

import hashlib
import json
import platform
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from infra.components import packaging

CACHE_DIR = packaging.ROOT / "build" / "bundle-alone"
LAYER = packaging.BUILD_DIR / "dependencies" / "python"  # the layer zip's staging folder, as packaging built it
CODE = packaging.BUILD_DIR / "code"  # the code zip's staging folder: our four packages, compiled

# Runs in the isolated interpreter. Reads its instructions from stdin, writes its findings to a file: handlers log
# JSON to stdout, so stdout is theirs.
PROBE = """
import importlib, json, pkgutil, sys, traceback
job = json.loads(sys.stdin.read())
sys.path[:0] = job["paths"]

class Context:
    memory_limit_in_mb = 512
    def __init__(self, name):
        self.function_name = name
        self.aws_request_id = "bundle-alone-" + name
        self.invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:" + name
    def get_remaining_time_in_millis(self):
        return 10_000

def failure(error):
    return {"type": type(error).__module__ + "." + type(error).__qualname__, "message": str(error)[:500],
            "import_error": isinstance(error, ImportError), "traceback": traceback.format_exc()[-2000:]}

calls = []
for call in job["calls"]:
    module, _, attribute = call["handler"].rpartition(".")
    try:
        handler = getattr(importlib.import_module(module), attribute)
        calls.append({"function": call["function"], "returned": handler(call["event"], Context(call["function"]))})
    except Exception as error:
        calls.append({"function": call["function"], "raised": failure(error)})

unimportable = {}
for package in job["packages"]:
    root = importlib.import_module(package)
    for info in pkgutil.walk_packages(root.__path__, package + "."):
        try:
            importlib.import_module(info.name)
        except Exception as error:
            unimportable[info.name] = failure(error)

files = {name: getattr(module, "__file__", None) for name, module in list(sys.modules.items())}
with open(job["out"], "w") as out:
    json.dump({"calls": calls, "unimportable": unimportable, "sys_path": sys.path,
               "module_files": {name: file for name, file in files.items() if file}}, out, default=str)
"""


@dataclass(frozen=True)
class Wheel:
    name: str  # normalized (PEP 503)
    version: str
    pure: bool
    tags: tuple[str, ...]  # python-abi-platform, as in the dist-info's WHEEL file


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def installed_wheels(folder: Path) -> dict[str, Wheel]:
    """What `pip install --target folder` put there, by normalized distribution name."""
    wheels = {}
    for distribution in metadata.distributions(path=[str(folder)]):
        wheel_file = distribution.read_text("WHEEL") or ""
        fields = [line.split(":", 1) for line in wheel_file.splitlines() if ":" in line]
        name = normalized(distribution.metadata["Name"])
        wheels[name] = Wheel(
            name=name,
            version=distribution.version,
            pure=any(key == "Root-Is-Purelib" and value.strip() == "true" for key, value in fields),
            tags=tuple(value.strip() for key, value in fields if key == "Tag"),
        )
    return wheels


def native_install(requirements: list[str]) -> Path:
    """The runtime set installed for this machine into an empty folder; kept in build/ while its inputs hold."""
    material = json.dumps([requirements, sys.version, platform.machine(), platform.libc_ver()]).encode()
    folder = CACHE_DIR / hashlib.sha256(material).hexdigest()[:16]
    if folder.is_dir():
        return folder
    staging = folder.with_suffix(".partial")
    shutil.rmtree(staging, ignore_errors=True)
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-input"]
    command += ["--only-binary=:all:", "--no-compile", "--target", str(staging), *requirements]
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 - our pip
    if result.returncode != 0:
        raise packaging.PackagingError(f"pip could not install the runtime set here:\n{result.stdout}{result.stderr}")
    shutil.rmtree(staging / "bin", ignore_errors=True)
    for stale in CACHE_DIR.iterdir():  # installs of earlier requirements: only the current one is kept
        if stale != staging:
            shutil.rmtree(stale, ignore_errors=True)
    staging.replace(folder)
    return folder


def run_isolated(
    dependencies: Path, code: Path, calls: list[dict[str, Any]], environment: dict[str, str], out: Path
) -> dict[str, Any]:
    """`-I`: no PYTHON* variables, no user site, no current directory; `-S`: no site module, so no site-packages."""
    job = {
        "paths": [str(code), str(dependencies)],
        "calls": calls,
        "packages": list(packaging.APP_PACKAGES),
        "out": str(out),
    }
    result = subprocess.run(  # noqa: S603 - our interpreter, our probe
        [sys.executable, "-I", "-S", "-c", PROBE],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        check=False,
        env=environment,
        cwd=code,
        timeout=120,
    )
    if result.returncode != 0:
        raise AssertionError(f"the isolated interpreter failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    findings: dict[str, Any] = json.loads(out.read_text())
    return findings


def aarch64_for_lambda(tag: str, python_version: str = packaging.PLATFORM.python_version) -> bool:
    """A wheel tag Lambda's python3.13 on arm64 (Amazon Linux 2023, glibc 2.34) loads: aarch64 manylinux up to
    glibc 2.34, and CPython 3.13's own ABI or the stable ABI (abi3) of an earlier CPython 3."""
    python, abi, platform_tag = tag.split("-")
    cp = "cp" + python_version.replace(".", "")
    glibc = re.fullmatch(r"manylinux_2_(\d+)_aarch64", platform_tag)
    platform_ok = platform_tag == "manylinux2014_aarch64" or (glibc is not None and int(glibc.group(1)) <= 34)
    if abi == "abi3":
        return platform_ok and python.startswith("cp3") and int(python[3:]) <= int(cp[3:])
    return platform_ok and python == cp and abi == cp
