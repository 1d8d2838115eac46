"""The Dockerfile replayed without Docker for each service's build arguments: its COPYs into an
empty folder, each `uv sync` run as written (plus `--dry-run --offline`), so a wrong package name,
a missing pyproject or a dev tool in the image fails here; its CMD run with a stand-in python."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ["core_service", "integration_service", "bot_gateway", "telegram_emulator", "console"]
DEV_ONLY = ["pytest", "locust", "ruff", "mypy", "playwright", "hypothesis", "respx", "pgserver"]
KEY_DEPENDENCY = {"core_service": "pyjwt", "integration_service": "gspread", "bot_gateway": "aiogram",
                  "telegram_emulator": "python-multipart", "console": "segno"}


def uv() -> list[str]:
    """The uv this machine has (`make install` puts one there via scripts/uv)."""
    found = shutil.which("uv")
    return [found] if found else [str(ROOT / "scripts" / "uv")]


def replay_copy(args: str, context: Path) -> None:
    """`COPY src... dest` from the repo root into `context` (WORKDIR /app is `context`)."""
    *sources, dest = [a for a in args.split() if not a.startswith("--")]
    for source in sources:
        target = context / dest if dest not in ("./", ".") else context / source
        if (ROOT / source).is_dir():
            shutil.copytree(ROOT / source, target, ignore=shutil.ignore_patterns("__pycache__", "tests"))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / source, target if dest not in ("./", ".") else context / Path(source).name)


@pytest.mark.parametrize("package", PACKAGES)
def test_the_image_installs_from_the_lock_without_dev_tools(
    package: str, tmp_path: Path, kit: ModuleType, app_services: dict[str, str],
    services: dict[str, dict[str, Any]],
) -> None:
    context = tmp_path / "app"
    context.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env.update(UV_PROJECT_ENVIRONMENT=str(context / ".venv"), UV_CACHE_DIR=str(tmp_path / "cache"),
               UV_PYTHON_DOWNLOADS="never")
    outputs = []
    for word, args in kit.image(services[next(n for n, p in app_services.items() if p == package)]).steps:
        if word == "COPY":
            replay_copy(args, context)
        elif word == "RUN" and "uv sync" in args:
            command = args[args.index("uv sync"):].split()[1:]
            result = subprocess.run([*uv(), *command, "--dry-run", "--offline"], cwd=context, env=env,  # noqa: S603
                                    capture_output=True, text=True, timeout=120)
            assert result.returncode == 0, f"{package}: uv {' '.join(command)}: {result.stderr}"
            outputs.append(result.stdout + result.stderr)
    assert len(outputs) == 2, f"{package}: expected a dependency layer and a code layer"
    dependencies, code = outputs
    assert f"+ {KEY_DEPENDENCY[package]}==" in dependencies
    assert "file://" not in dependencies, "the cached layer must not need the sources"
    project = package.replace("_", "-")
    assert f"+ {project} @ file://" in code and "+ uk-shared @ file://" in code
    for tool in DEV_ONLY:
        assert f"+ {tool}==" not in dependencies + code, f"{package} image would contain {tool}"


@pytest.mark.parametrize("package", PACKAGES)
def test_the_image_runs_its_service_migrating_first_when_it_has_a_database(
    package: str, tmp_path: Path, kit: ModuleType, app_services: dict[str, str],
    services: dict[str, dict[str, Any]],
) -> None:
    image = kit.image(services[next(n for n, p in app_services.items() if p == package)])
    calls = tmp_path / "calls"
    fake = tmp_path / "bin" / "python"
    fake.parent.mkdir()
    # A python that notes its arguments and fails a `migrate` when told to.
    fake.write_text(f'#!/bin/sh\necho "$*" >> {calls}\n[ "$3" != migrate ] || [ -z "$FAIL_MIGRATE" ]\n')
    fake.chmod(0o755)
    env = {**image.env, "PATH": f"{fake.parent}{os.pathsep}{os.environ['PATH']}"}
    migrates = package not in ("telegram_emulator", "console")  # no database of their own
    assert subprocess.run(image.command, env=env, timeout=30).returncode == 0  # noqa: S603
    expected = [f"-m {package} migrate"] * migrates + [f"-m {package}"]
    assert calls.read_text().splitlines() == expected
    if migrates:
        calls.unlink()
        failed = subprocess.run(image.command, env={**env, "FAIL_MIGRATE": "1"}, timeout=30)  # noqa: S603
        assert failed.returncode != 0
        assert calls.read_text().splitlines() == [f"-m {package} migrate"], "served an unmigrated database"
