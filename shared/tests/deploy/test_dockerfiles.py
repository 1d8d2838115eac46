"""Each Dockerfile's uv steps replayed without Docker: its COPYs into an empty folder, each
`uv sync` run as written (plus `--dry-run --offline`), so a wrong package name, a missing
pyproject or a dev tool in the image fails here."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ["core_service", "integration_service", "bot_gateway", "telegram_emulator"]
DEV_ONLY = ["pytest", "locust", "ruff", "mypy", "playwright", "hypothesis", "respx", "pgserver"]
KEY_DEPENDENCY = {"core_service": "pyjwt", "integration_service": "gspread", "bot_gateway": "aiogram",
                  "telegram_emulator": "python-multipart"}


def instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(instruction, arguments) with line continuations joined and comments dropped."""
    steps: list[tuple[str, str]] = []
    pending = ""
    for line in dockerfile.read_text().splitlines():
        if line.lstrip().startswith("#") and not pending:
            continue
        pending += line.rstrip("\\").strip() + " "
        if not line.endswith("\\"):
            if pending.strip():
                word, _, rest = pending.strip().partition(" ")
                steps.append((word.upper(), rest.strip()))
            pending = ""
    return steps


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
def test_the_image_installs_from_the_lock_without_dev_tools(package: str, tmp_path: Path) -> None:
    context = tmp_path / "app"
    context.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env.update(UV_PROJECT_ENVIRONMENT=str(context / ".venv"), UV_CACHE_DIR=str(tmp_path / "cache"),
               UV_PYTHON_DOWNLOADS="never")
    outputs = []
    for word, args in instructions(ROOT / package / "Dockerfile"):
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
