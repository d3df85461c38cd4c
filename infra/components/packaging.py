"""The Lambda bundle: a layer with the runtime dependency set for the Lambda platform, and a small code zip.

Both zips are reproducible: the same inputs give the same bytes (sorted entries, fixed timestamps and permissions,
`.pyc` compiled with hash-based invalidation and a fixed hash seed, traceback paths of the Lambda filesystem), so an
unchanged build has the same `source_code_hash` and `pulumi up` redeploys nothing.

Run `python -m infra.components.packaging` to build it on its own; the Pulumi program builds it (cached) on every run.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
BUILD_DIR = ROOT / "build" / "lambda"

# What our functions import: the domain and its callers. Never `infra` (Pulumi, the local cloud) nor tests.
APP_PACKAGES = ("commerce", "graphql_api", "handlers", "sagas")


@dataclass(frozen=True)
class LambdaPlatform:
    runtime: str = "python3.13"
    architecture: str = "arm64"
    python_version: str = "3.13"
    # The python3.13 runtime runs on Amazon Linux 2023 (glibc 2.34), so wheels built for glibc 2.28 load there, and
    # the older glibc 2.17 ones too, under both of their spellings (PEP 600): some wheels carry only one tag.
    wheel_platforms: tuple[str, ...] = ("manylinux_2_28_aarch64", "manylinux2014_aarch64", "manylinux_2_17_aarch64")
    implementation: str = "cp"
    layer_dir: str = "/opt/python"  # where Lambda mounts a layer's python/ directory
    code_dir: str = "/var/task"  # where Lambda unpacks the function's code


PLATFORM = LambdaPlatform()


@dataclass(frozen=True)
class Archive:
    path: Path
    source_code_hash: str  # base64 SHA-256 of the zip: what Lambda reports as CodeSha256
    size: int
    unpacked_size: int


@dataclass(frozen=True)
class Bundle:
    dependencies: Archive  # the layer: python/<third-party packages>
    code: Archive  # the function: our packages at the root


class PackagingError(RuntimeError):
    pass


def runtime_requirements(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """The Lambda runtime set: the project's default dependencies, never an extra (local, infra, dev)."""
    project = tomllib.loads(pyproject.read_text())["project"]
    return sorted(project["dependencies"])


def build_bundle(root: Path = ROOT, out: Path = BUILD_DIR, platform: LambdaPlatform = PLATFORM) -> Bundle:
    requirements = runtime_requirements(root / "pyproject.toml")
    return Bundle(
        dependencies=build_dependencies(requirements, out, platform),
        code=build_code(root, out, platform),
    )


def build_dependencies(requirements: Sequence[str], out: Path, platform: LambdaPlatform = PLATFORM) -> Archive:
    """Installs the requirements for the Lambda platform into a layer zip; reused while its inputs are unchanged."""
    _require_target_python(platform)
    key = _dependencies_key(requirements, platform)
    archive_path = out / "dependencies.zip"
    key_path = out / "dependencies.key"
    if archive_path.is_file() and key_path.is_file() and key_path.read_text() == key:
        return archive_of(archive_path)
    staging = out / "dependencies"
    shutil.rmtree(staging, ignore_errors=True)
    target = staging / "python"
    _pip_install(requirements, target, platform)
    # Console scripts carry this machine's interpreter path in their shebang, and Lambda never runs them.
    shutil.rmtree(target / "bin", ignore_errors=True)
    compile_tree(target, platform.layer_dir)
    key_path.unlink(missing_ok=True)
    deterministic_zip(staging, archive_path)
    key_path.write_text(key)
    return archive_of(archive_path)


def build_code(root: Path, out: Path, platform: LambdaPlatform = PLATFORM) -> Archive:
    """Our packages with their compiled `.pyc`; rebuilt on every run (a second or so), identical when unchanged."""
    _require_target_python(platform)
    staging = out / "code"
    shutil.rmtree(staging, ignore_errors=True)
    for package in APP_PACKAGES:
        shutil.copytree(
            root / package, staging / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo")
        )
    compile_tree(staging, platform.code_dir)
    archive_path = out / "code.zip"
    deterministic_zip(staging, archive_path)
    return archive_of(archive_path)


def compile_tree(directory: Path, runtime_dir: str) -> None:
    """Compiles every module to `.pyc` as Lambda will find it, so no cold start compiles (its disk is read-only).

    `unchecked-hash` pycs embed no timestamp and are used without looking at the source; PYTHONHASHSEED fixes the
    order of frozenset constants; `-d` writes the Lambda path into code objects instead of this machine's.
    """
    command = [
        sys.executable,
        "-m",
        "compileall",
        "-q",
        "-j",
        "0",
        "--invalidation-mode",
        "unchecked-hash",
        "-d",
        runtime_dir,
        str(directory),
    ]
    result = subprocess.run(  # noqa: S603 - our interpreter and our arguments
        command, env={**os.environ, "PYTHONHASHSEED": "0"}, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise PackagingError(f"compileall failed in {directory}:\n{result.stdout}{result.stderr}")


def deterministic_zip(source: Path, destination: Path) -> None:
    """Files only (no directory entries), sorted, dated 1980-01-01, mode 0644, made on "Unix"."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_suffix(".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for path in _files(source):
            info = zipfile.ZipInfo(path.relative_to(source).as_posix(), date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            archive.writestr(info, path.read_bytes(), compresslevel=6)
    partial.replace(destination)


def archive_of(path: Path) -> Archive:
    data = path.read_bytes()
    with zipfile.ZipFile(path) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    return Archive(
        path=path,
        source_code_hash=base64.b64encode(hashlib.sha256(data).digest()).decode(),
        size=len(data),
        unpacked_size=unpacked,
    )


def _files(directory: Path) -> Iterator[Path]:
    return iter(sorted((path for path in directory.rglob("*") if path.is_file()), key=lambda p: p.as_posix()))


def _pip_install(requirements: Sequence[str], target: Path, platform: LambdaPlatform) -> None:
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-input",
        "--no-compile",  # pip's own .pyc carry install timestamps; compile_tree makes reproducible ones
        "--only-binary=:all:",
        "--implementation",
        platform.implementation,
        "--python-version",
        platform.python_version,
        *[argument for wheel_platform in platform.wheel_platforms for argument in ("--platform", wheel_platform)],
        "--target",
        str(target),
        *requirements,
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise PackagingError(f"pip could not install the Lambda dependencies:\n{result.stdout}{result.stderr}")


def _dependencies_key(requirements: Sequence[str], platform: LambdaPlatform) -> str:
    """Changes when the requirements, the platform or this recipe change."""
    recipe = Path(__file__).read_bytes()
    material = json.dumps({"requirements": list(requirements), "platform": repr(platform)}, sort_keys=True).encode()
    return hashlib.sha256(material + recipe).hexdigest()


def _require_target_python(platform: LambdaPlatform) -> None:
    # A .pyc is only valid for the interpreter version that wrote it (its magic number).
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    if running != platform.python_version:
        raise PackagingError(f"build the bundle with Python {platform.python_version} (this is {running})")


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    bundle = build_bundle()
    for label, archive in (("dependencies layer", bundle.dependencies), ("function code", bundle.code)):
        logger.info(
            "%s: %s, %.1f MB zipped, %.1f MB unpacked, sha256 %s",
            label,
            archive.path.relative_to(ROOT),
            archive.size / 1e6,
            archive.unpacked_size / 1e6,
            archive.source_code_hash,
        )


if __name__ == "__main__":
    main()
