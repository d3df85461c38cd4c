"""The Lambda bundle: runtime dependencies for arm64 in a layer, our packages compiled, nothing else, reproducible."""

from __future__ import annotations

import ast
import importlib.util
import shutil
import tomllib
import zipfile
from pathlib import Path

import pytest

from infra.components import packaging
from infra.deployment import DEPLOYMENT, Function

FORBIDDEN = ("pulumi", "pulumi_aws", "moto", "pytest", "localstripe", "uvicorn", "hypothesis", "mypy", "ruff")
LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024  # function and layers together
DIRECT_UPLOAD_LIMIT = 50 * 1024 * 1024  # a zip uploaded with the API call rather than through S3
EM_AARCH64 = 183


def names(archive: packaging.Archive) -> list[str]:
    with zipfile.ZipFile(archive.path) as opened:
        return opened.namelist()


def top_levels(entries: list[str], prefix: str = "") -> set[str]:
    return {entry.removeprefix(prefix).split("/")[0] for entry in entries if entry.startswith(prefix)}


def test_the_runtime_set_is_the_default_dependencies_of_pyproject_and_no_extra() -> None:
    project = tomllib.loads((packaging.ROOT / "pyproject.toml").read_text())["project"]
    requirements = packaging.runtime_requirements()
    assert requirements == sorted(project["dependencies"])
    extras = {req for extra in project["optional-dependencies"].values() for req in extra}
    assert not extras & set(requirements)


def test_the_code_zip_holds_our_four_packages_and_nothing_else(bundle: packaging.Bundle) -> None:
    assert top_levels(names(bundle.code)) == set(packaging.APP_PACKAGES)


@pytest.mark.parametrize("function", DEPLOYMENT.functions, ids=lambda function: function.name)
def test_every_handler_is_in_the_code_zip_compiled(bundle: packaging.Bundle, function: Function) -> None:
    module, attribute = function.handler.rsplit(".", 1)
    path = module.replace(".", "/")
    entries = set(names(bundle.code))
    assert f"{path}.py" in entries, function.handler
    assert f"{Path(path).parent}/__pycache__/{Path(path).name}.cpython-313.pyc" in entries, function.handler
    with zipfile.ZipFile(bundle.code.path) as opened:
        tree = ast.parse(opened.read(f"{path}.py"))
    defined = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    defined |= {t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets if hasattr(t, "id")}
    assert attribute in defined, f"{function.handler}: {module} defines no {attribute}"


def test_the_layer_holds_the_runtime_set_under_python_and_no_development_package(bundle: packaging.Bundle) -> None:
    entries = names(bundle.dependencies)
    assert all(entry.startswith("python/") for entry in entries)
    installed = top_levels(entries, "python/")
    for required in ("boto3", "botocore", "strawberry", "mangum", "stripe", "aws_lambda_powertools", "jwt", "argon2"):
        assert required in installed, required
    for package, bundle_part in ((installed, "layer"), (top_levels(names(bundle.code)), "code")):
        present = [name for name in FORBIDDEN if name in package or f"{name}-" in " ".join(package)]
        assert not present, f"{bundle_part} ships development packages {present}"
    assert "bin" not in installed, "console scripts carry this machine's interpreter path"


def test_native_extensions_are_built_for_arm64_linux(bundle: packaging.Bundle) -> None:
    with zipfile.ZipFile(bundle.dependencies.path) as opened:
        extensions = [name for name in opened.namelist() if name.endswith(".so")]
        assert extensions, "argon2, cffi and friends ship native code"
        for name in extensions:
            header = opened.read(name)[:20]
            assert header[:4] == b"\x7fELF", name
            assert int.from_bytes(header[18:20], "little") == EM_AARCH64, f"{name} is not aarch64"


def test_every_module_ships_compiled_for_python_313_without_timestamps(bundle: packaging.Bundle) -> None:
    for archive in (bundle.code, bundle.dependencies):
        with zipfile.ZipFile(archive.path) as opened:
            entries = opened.namelist()
            compiled = [name for name in entries if name.endswith(".pyc")]
            assert len(compiled) == len([name for name in entries if name.endswith(".py")]), archive.path
            for name in compiled[:200]:
                header = opened.read(name)[:8]
                assert header[:4] == importlib.util.MAGIC_NUMBER, name
                assert int.from_bytes(header[4:8], "little") == 0b01, f"{name}: not an unchecked-hash pyc"


def test_the_zips_are_reproducible(bundle: packaging.Bundle, tmp_path: Path) -> None:
    """Same inputs, same bytes, wherever they are built: an unchanged build does not redeploy."""
    elsewhere = tmp_path / "somewhere" / "else"
    code = packaging.build_code(packaging.ROOT, elsewhere)
    assert code.source_code_hash == packaging.archive_of(bundle.code.path).source_code_hash
    copy = tmp_path / "layer"
    shutil.copytree(packaging.BUILD_DIR / "dependencies", copy, ignore=shutil.ignore_patterns("__pycache__"))
    packaging.compile_tree(copy / "python", packaging.PLATFORM.layer_dir)
    packaging.deterministic_zip(copy, tmp_path / "layer.zip")
    assert packaging.archive_of(tmp_path / "layer.zip").source_code_hash == bundle.dependencies.source_code_hash


def test_the_entries_are_sorted_dated_1980_and_read_only(bundle: packaging.Bundle) -> None:
    with zipfile.ZipFile(bundle.code.path) as opened:
        infos = opened.infolist()
    assert [info.filename for info in infos] == sorted(info.filename for info in infos)
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {info.external_attr >> 16 for info in infos} == {0o100644}


def test_the_bundle_fits_lambdas_limits(bundle: packaging.Bundle) -> None:
    assert bundle.dependencies.unpacked_size + bundle.code.unpacked_size < LAMBDA_UNZIPPED_LIMIT
    assert bundle.dependencies.size < DIRECT_UPLOAD_LIMIT, "upload the layer through S3 once it passes 50 MB"
    assert bundle.code.size < DIRECT_UPLOAD_LIMIT


def test_the_bundle_is_built_with_the_runtimes_python() -> None:
    assert packaging.PLATFORM.python_version == "3.13" == packaging.PLATFORM.runtime.removeprefix("python")
