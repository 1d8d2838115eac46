"""What the deployment tests read: docker-compose.yml, .env.example, the services' settings and apps."""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import re
import shlex
import sys
import tomllib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
import yaml

from shared.config import ServiceSettings

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ["core_service", "integration_service", "bot_gateway", "telegram_emulator", "console"]
_VAR = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")
_DOCKER_VAR = re.compile(r"\$(?:\{(\w+)\}|(\w+))")
_ENV_LINE = re.compile(r"^(?P<comment>#\s*)?(?P<name>[A-Z][A-Z0-9_]*)=(?P<value>.*)$")


DEMO_ENV = ROOT / "deploy" / "demo.env"


@dataclass(frozen=True)
class EnvExample:
    """`.env.example`: the variables it sets and every variable it lists (set or commented).

    `interpolation` is what compose substitutes `${...}` from: `.env` plus any `--env-file` given
    after it (the demo's `deploy/demo.env`); the containers' `env_file` is `.env` alone.
    """

    values: dict[str, str]
    listed: set[str]
    interpolation: dict[str, str]


def read_env_file(path: Path) -> tuple[dict[str, str], set[str]]:
    """(set variables, every listed variable) of a dotenv file, as compose and pydantic-settings read it."""
    values: dict[str, str] = {}
    listed: set[str] = set()
    for line in path.read_text().splitlines():
        match = _ENV_LINE.match(line.strip())
        if match:
            listed.add(match["name"])
            if not match["comment"]:
                values[match["name"]] = match["value"]
    return values, listed


def load_env_example(*more_env_files: Path) -> EnvExample:
    """`.env.example` as `.env`, with `more_env_files` layered over it for interpolation."""
    values, listed = read_env_file(ROOT / ".env.example")
    interpolation = dict(values)
    for path in more_env_files:
        interpolation.update(read_env_file(path)[0])
    return EnvExample(values, listed, interpolation)


def interpolate(text: str, env: dict[str, str]) -> str:
    """Compose variable substitution: `${X}`, `${X:-d}`, `${X-d}`, `${X:?err}`, `${X?err}`, `$$`."""

    def one(match: re.Match[str]) -> str:
        name, op, arg = match["name"], match["op"], match["arg"] or ""
        value = env.get(name)
        empty = value is None or (value == "" and op is not None and op.startswith(":"))
        if op in ("-", ":-"):
            return arg if empty else str(value)
        if op in ("?", ":?"):
            if empty:
                raise AssertionError(f"compose would stop: {name}: {arg}")
            return str(value)
        return value or ""

    return _VAR.sub(one, text).replace("$$", "$")


def settings_class(package: str) -> type[ServiceSettings]:
    """The package's pydantic-settings class (the module that sets `env_prefix=`)."""
    found = []
    for path in sorted((ROOT / package / package).rglob("*.py")):
        if "env_prefix=" in path.read_text():
            rel = path.relative_to(ROOT / package).with_suffix("")
            module = importlib.import_module(".".join(rel.parts))
            found += [obj for obj in vars(module).values()
                      if isinstance(obj, type) and issubclass(obj, ServiceSettings)
                      and obj.__module__ == module.__name__ and "env_prefix" in obj.model_config]
    assert len(found) == 1, f"{package}: expected one settings class, found {found}"
    return found[0]


def build_settings(cls: type[ServiceSettings], env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Any:
    """The settings a container would get: only its environment, no `.env` of this checkout."""
    prefix = cls.env_prefix()
    for key in list(os.environ):
        if key.startswith(prefix):
            monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return cls(_env_file=None)


def container_settings(service: dict[str, Any], example: EnvExample, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The settings of a compose service's container: its package's class, its environment only."""
    package = package_of(service)
    assert package, "not built from our Dockerfile"
    with monkeypatch.context() as patch:
        return build_settings(settings_class(package), container_env(service, example), patch)


def create_app(package: str, settings: Any, service: dict[str, Any] | None = None) -> Any:
    """The app a compose service runs, built but not started: `<package>.app.create_app`, or for
    `command: [python, -m, <package>, worker]` the worker's (`<package>.worker.create_worker_app`)."""
    command = (service or {}).get("command") or []
    if command[3:4] == ["worker"]:
        return importlib.import_module(f"{package}.worker").create_worker_app(settings)
    return importlib.import_module(f"{package}.app").create_app(settings)


def package_of(service: dict[str, Any]) -> str | None:
    """`core_service` for a service built with the build argument `PACKAGE=core_service`, else None."""
    build = service.get("build")
    if not build:
        return None
    return str(build["args"]["PACKAGE"])


@dataclass(frozen=True)
class Image:
    """What the Dockerfile builds for one compose service, its build arguments put in."""

    steps: list[tuple[str, str]]  # (instruction, arguments), as the builder runs them
    env: dict[str, str]  # what its ENV instructions leave in the image
    command: list[str]  # its exec-form CMD


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


def image(service: dict[str, Any]) -> Image:
    """The image of a compose service: the Dockerfile's steps with `$ARG`s and `$ENV`s replaced as
    the builder (or, in a RUN, the shell) replaces them; CMD and HEALTHCHECK stay as written."""
    build = service["build"]
    given = {key: str(value) for key, value in (build.get("args") or {}).items()}
    values: dict[str, str] = {}
    env: dict[str, str] = {}
    steps, command = [], []
    for word, rest in instructions(ROOT / build["context"] / build["dockerfile"]):
        if word == "ARG":
            name, _, default = rest.partition("=")
            values[name] = given.get(name, default)
            continue
        if word not in ("CMD", "HEALTHCHECK"):
            rest = _DOCKER_VAR.sub(lambda m: values.get(m[1] or m[2], m[0]), rest)
        if word == "ENV":
            pairs = dict(pair.split("=", 1) for pair in shlex.split(rest))
            env.update(pairs)
            values.update(pairs)
        elif word == "CMD":
            command = json.loads(rest)
        steps.append((word, rest))
    return Image(steps, env, command)


def container_env(service: dict[str, Any], example: EnvExample) -> dict[str, str]:
    """The environment a container gets: env_file (`.env` = `.env.example`), then `environment:`."""
    env_files = service.get("env_file", [])
    env_files = [env_files] if isinstance(env_files, str) else env_files
    assert env_files in ([], [".env"]), f"unexpected env_file {env_files}"
    env = dict(example.values) if env_files else {}
    for key, value in (service.get("environment") or {}).items():
        env[key] = interpolate(str(value), example.interpolation)
    return env


def project_name(package: str) -> str:
    """The member's distribution name from its pyproject.toml (what `uv sync --package` takes)."""
    data = tomllib.loads((ROOT / package / "pyproject.toml").read_text())
    return str(data["project"]["name"])


def workspace_members() -> list[str]:
    """The uv workspace members named in the root pyproject.toml."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return list(data["tool"]["uv"]["workspace"]["members"])


@pytest.fixture(scope="session")
def compose() -> dict[str, Any]:
    """docker-compose.yml, parsed (YAML anchors and merge keys resolved)."""
    data: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return data


@pytest.fixture(scope="session")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Compose services by name."""
    return dict(compose["services"])


@pytest.fixture(scope="session")
def app_services(services: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Compose service name -> package, for the containers built from our Dockerfiles."""
    return {name: pkg for name, svc in services.items() if (pkg := package_of(svc))}


@pytest.fixture
async def app_clients(
    services: dict[str, dict[str, Any]], env_example: EnvExample, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    """Compose service name -> a client of the app its container runs (built from our Dockerfile),
    with its compose settings (the demo's), not started: no lifespan, nothing is connected."""
    async with contextlib.AsyncExitStack() as stack:
        clients = {}
        for name, service in services.items():
            if package := package_of(service):
                app = create_app(package, container_settings(service, env_example, monkeypatch), service)
                client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")
                clients[name] = await stack.enter_async_context(client)
        yield clients


@pytest.fixture(scope="session")
def env_example() -> EnvExample:
    """`.env.example` as `.env`, compose run as the demo: `--env-file .env --env-file deploy/demo.env`."""
    return load_env_example(DEMO_ENV)


@pytest.fixture(scope="session")
def plain_env_example() -> EnvExample:
    """`.env.example` as `.env`, plain `docker compose up` (no other env file)."""
    return load_env_example()


@pytest.fixture(scope="session")
def kit() -> ModuleType:
    """This module's helpers (importlib mode lets tests import no conftest)."""
    return sys.modules[__name__]
