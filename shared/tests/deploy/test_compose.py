"""docker-compose.yml checked against the code (no Docker engine here: these are the checks it would fail)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from pydantic import ValidationError
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ["core_service", "integration_service", "bot_gateway", "telegram_emulator", "console"]
# Services without a database of their own: their image does not migrate.
NO_DATABASE = ("telegram_emulator", "console")
_HEALTH_URL = re.compile(r"http://127\.0\.0\.1:(?P<port>\d+)(?P<path>/[A-Za-z0-9/_-]*)")


def health_target(service: dict[str, Any]) -> tuple[int, str]:
    """(port, path) the compose healthcheck of a service requests."""
    test = " ".join(service["healthcheck"]["test"])
    match = _HEALTH_URL.search(test)
    assert match, f"healthcheck does not request a local URL: {test}"
    return int(match["port"]), match["path"]


def published(service: dict[str, Any]) -> list[tuple[int, int]]:
    """(host port, container port) of every `ports:` entry."""
    pairs = []
    for entry in service.get("ports", []):
        host, _, container = str(entry).rpartition(":")
        pairs.append((int(host), int(container)))
    return pairs


def test_all_the_services_and_their_stores_are_in_compose(services: dict[str, Any]) -> None:
    expected = {"core-service", "core-db", "integration-service", "integration-worker", "integration-db",
                "bot-gateway", "bot-gateway-db", "shared-redis", "telegram-emulator", "console"}
    assert expected <= set(services)
    assert services["telegram-emulator"]["profiles"] == ["demo"]
    for db in ("core-db", "integration-db", "bot-gateway-db"):
        assert services[db]["image"].startswith("postgres:15")
    assert services["shared-redis"]["image"].startswith("redis:7")
    assert (5442, 5432) in published(services["bot-gateway-db"])


def test_each_service_is_built_from_the_dockerfile_with_its_own_arguments_in_the_repo_root_context(
    kit: ModuleType, app_services: dict[str, str], services: dict[str, Any], env_example: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert set(app_services.values()) == set(PACKAGES)
    for name, package in app_services.items():
        build = services[name]["build"]
        assert build["context"] == ".", f"{name}: the workspace needs the repo root as context"
        assert build["dockerfile"] == "Dockerfile" and (ROOT / "Dockerfile").is_file(), name
        assert (ROOT / package / package / "__main__.py").is_file(), f"{name}: no python -m {package}"
        args = build["args"]
        assert args["PROJECT"] == kit.project_name(package), f"{name}: uv sync --package {args['PROJECT']}"
        assert args["ENV_PREFIX"] == kit.settings_class(package).env_prefix(), name
        assert int(args["PORT"]) == kit.container_settings(services[name], env_example, monkeypatch).port
        assert args["MIGRATE"] == ("false" if package in NO_DATABASE else "true"), name
    assert not list(ROOT.glob("*/Dockerfile")), "one Dockerfile, at the root"


def test_each_container_gets_settings_that_validate(
    kit: ModuleType, app_services: dict[str, str], services: dict[str, Any], env_example: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, package in app_services.items():
        cls = kit.settings_class(package)
        env = kit.container_env(services[name], env_example)
        required = [f"{cls.env_prefix()}{field}".upper()
                    for field, info in cls.model_fields.items() if info.is_required()]
        missing = [var for var in required if not env.get(var)]
        assert not missing, f"{name}: required settings not provided: {missing}"
        with monkeypatch.context() as patch:
            try:
                kit.build_settings(cls, env, patch)
            except ValidationError as exc:
                pytest.fail(f"{name}: its environment does not validate: {exc}")


def test_containers_listen_on_all_interfaces_at_the_port_they_publish_and_probe(
    kit: ModuleType, app_services: dict[str, str], services: dict[str, Any], env_example: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in app_services:
        settings = kit.container_settings(services[name], env_example, monkeypatch)
        probe_port, _ = health_target(services[name])
        assert probe_port == settings.port, f"{name}: healthcheck port {probe_port} != {settings.port}"
        assert settings.host == "0.0.0.0", f"{name}: listens on {settings.host} only"
        if name == "integration-worker":
            continue  # scraped by Prometheus on the network, not published on the host
        assert (settings.port, settings.port) in published(services[name]), f"{name}: port not published"


def test_containers_are_wired_to_each_other_by_service_name(
    kit: ModuleType, services: dict[str, Any], app_services: dict[str, str], env_example: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bot = kit.container_env(services["bot-gateway"], env_example)
    assert bot["BOT_CORE_URL"] == "http://core-service:8000"
    assert bot["BOT_INTEGRATION_URL"] == "http://integration-service:8001"
    assert bot["BOT_TELEGRAM_API_URL"] == "http://telegram-emulator:8081"
    assert kit.container_env(services["core-service"], env_example)["CORE_INTEGRATION_URL"] == (
        "http://integration-service:8001")
    for name, db in [("core-service", "core-db"), ("integration-service", "integration-db"),
                     ("integration-worker", "integration-db"), ("bot-gateway", "bot-gateway-db")]:
        env = kit.container_env(services[name], env_example)
        database = services[db]["environment"]["POSTGRES_DB"]
        password = kit.interpolate(services[db]["environment"]["POSTGRES_PASSWORD"], env_example.values)
        url = make_url(kit.container_settings(services[name], env_example, monkeypatch).database_url)
        assert (url.host, url.port, url.database, url.password) == (db, 5432, database, password), name
        assert next(v for k, v in env.items() if k.endswith("_REDIS_URL")) == "redis://shared-redis:6379/0"


def test_plain_compose_up_without_a_bot_token_stops_before_starting_anything_and_says_what_to_do(
    kit: ModuleType, services: dict[str, Any], plain_env_example: Any
) -> None:
    assert "BOT_TELEGRAM_TOKEN" not in plain_env_example.values  # `make run` then uses the emulator
    with pytest.raises(AssertionError, match="compose would stop: BOT_TELEGRAM_TOKEN") as stopped:
        kit.container_env(services["bot-gateway"], plain_env_example)
    message = str(stopped.value)
    assert "set BOT_TELEGRAM_TOKEN in .env" in message and "@BotFather" in message
    demo = re.search(r"docker compose (--env-file \S+ )+up", message)
    assert demo, message
    for env_file in re.findall(r"--env-file (\S+)", demo.group()):
        assert (ROOT / env_file).is_file() or env_file == ".env", f"{env_file} does not exist"


def test_with_a_real_token_the_bot_talks_to_telegram_not_to_an_emulator_that_is_not_running(
    kit: ModuleType, services: dict[str, Any], plain_env_example: Any
) -> None:
    token = "123456789:AAreal-token_from-BotFather"
    env = {**plain_env_example.interpolation, "BOT_TELEGRAM_TOKEN": token}
    example = type(plain_env_example)(plain_env_example.values, plain_env_example.listed, env)
    bot = kit.container_env(services["bot-gateway"], example)
    assert bot["BOT_TELEGRAM_TOKEN"] == token
    assert bot["BOT_TELEGRAM_API_URL"] == "https://api.telegram.org"


def test_the_demo_env_file_starts_the_emulator_and_points_the_bot_at_it(
    kit: ModuleType, services: dict[str, Any], env_example: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo, _ = kit.read_env_file(kit.DEMO_ENV)
    profiles = demo["COMPOSE_PROFILES"].split(",")
    assert set(services["telegram-emulator"]["profiles"]) <= set(profiles)
    bot = kit.container_env(services["bot-gateway"], env_example)
    emulator_port, _ = health_target(services["telegram-emulator"])
    assert bot["BOT_TELEGRAM_API_URL"] == f"http://telegram-emulator:{emulator_port}"
    emulator = kit.container_settings(services["telegram-emulator"], env_example, monkeypatch)
    assert emulator.port == emulator_port
    header = (ROOT / "docker-compose.yml").read_text().split("\nname:", 1)[0]
    assert "docker compose --env-file .env --env-file deploy/demo.env up" in header


def test_a_postgres_password_with_url_characters_reaches_every_service_intact(
    kit: ModuleType, services: dict[str, Any], app_services: dict[str, str], env_example: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    password = "p@ss/w:rd%40#?"
    values = {**env_example.interpolation, "POSTGRES_PASSWORD": password}
    example = type(env_example)({**env_example.values, "POSTGRES_PASSWORD": password}, env_example.listed,
                                values)
    for name, package in app_services.items():
        if package in NO_DATABASE:
            continue
        url = make_url(kit.container_settings(services[name], example, monkeypatch).database_url)
        assert url.password == password and str(url.host).endswith("-db"), name


def test_the_integration_api_leaves_background_work_to_the_worker(services: dict[str, Any]) -> None:
    assert services["integration-service"]["environment"]["INTEGRATION_RUN_WORKER"] == "false"
    assert services["integration-service"].get("command") is None  # the image's CMD: migrate, serve
    worker = services["integration-worker"]
    assert worker["command"] == ["python", "-m", "integration_service", "worker"]
    assert "ports" not in worker


def test_host_ports_do_not_clash(services: dict[str, Any]) -> None:
    seen: dict[int, str] = {}
    for name, service in services.items():
        for host, _ in published(service):
            assert host not in seen, f"host port {host}: {seen.get(host)} and {name}"
            seen[host] = name


def test_every_service_has_a_healthcheck_and_dependencies_wait_for_it(services: dict[str, Any]) -> None:
    for name, service in services.items():
        assert service.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
        depends = service.get("depends_on", {})
        assert isinstance(depends, dict), f"{name}: depends_on needs conditions"
        for target, rule in depends.items():
            assert target in services, f"{name} depends on unknown {target}"
            assert rule["condition"] == "service_healthy", f"{name} -> {target}"
            assert services[target].get("healthcheck"), f"{name} waits for {target}, which has no healthcheck"
            if services[target].get("profiles") and not service.get("profiles"):
                assert rule.get("required") is False, f"{name} needs {target}, which is only in a profile"


@pytest.mark.timeout(600)
async def test_healthchecks_request_routes_the_apps_really_serve(
    app_clients: dict[str, httpx.AsyncClient], app_services: dict[str, str], services: dict[str, Any]
) -> None:
    assert set(app_clients) == set(app_services)
    for name, client in app_clients.items():
        _, path = health_target(services[name])
        # No lifespan: nothing is connected, so `/health/ready` may say 503, but the route must exist.
        for probe in {path, "/health", "/metrics"}:
            response = await client.get(probe)
            assert response.status_code in (200, 503), f"{name}: GET {probe} -> {response.status_code}"
        assert (await client.get("/health")).status_code == 200


@pytest.mark.timeout(600)
def test_image_and_compose_commands_exist_in_the_service_clis(
    kit: ModuleType, app_services: dict[str, str], services: dict[str, Any], env_example: Any
) -> None:
    for name, package in app_services.items():
        # The image's CMD migrates first (the emulator has no database); compose may override it.
        command = services[name].get("command") or ["python", "-m", package]
        assert command[:3] == ["python", "-m", package], f"{name}: {command}"
        commands = set(command[3:4]) | ({"migrate"} if package not in NO_DATABASE else set())
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CORE_", "INTEGRATION_", "BOT_"))}
        env.update(kit.container_env(services[name], env_example))
        result = subprocess.run([sys.executable, "-m", package, "--help"], capture_output=True,  # noqa: S603
                                text=True, timeout=180, cwd=ROOT, env=env)
        usage = result.stdout + result.stderr  # some CLIs print their commands on stderr
        for word in commands:
            assert re.search(rf"\b{word}\b", usage), f"{name}: python -m {package} has no {word}: {usage}"


def test_dockerfiles_install_from_the_lock_in_a_cached_layer_and_run_unprivileged(
    kit: ModuleType, app_services: dict[str, str], services: dict[str, Any]
) -> None:
    for name, package in app_services.items():
        image = kit.image(services[name])
        text = "\n".join(f"{word} {args}" for word, args in image.steps)
        assert "FROM python:3.11-slim" in text
        project = kit.project_name(package)
        deps = text.index(f"uv sync --frozen --no-dev --package {project} --no-install-workspace")
        for member in kit.workspace_members():
            assert text.index(f"COPY {member}/pyproject.toml") < deps, f"{package}: {member} pyproject late"
        assert text.index("COPY pyproject.toml uv.lock") < deps
        assert deps < text.index(f"COPY {package}/{package} ") < text.index("USER app")
        assert "HEALTHCHECK" in text and "/health" in text
        migrate = "false" if package in NO_DATABASE else "true"
        assert (image.env["APP_PACKAGE"], image.env["APP_MIGRATE"]) == (package, migrate), name


def test_volumes_and_network_are_declared(compose: dict[str, Any], services: dict[str, Any]) -> None:
    assert list(compose["networks"]) == ["platform"]
    for name, service in services.items():
        assert service["networks"] == ["platform"], name
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if not source.startswith("./"):
                assert source in compose["volumes"], f"{name}: volume {source} not declared"
            else:
                assert (ROOT / source).exists(), f"{name}: bind mount {source} missing"
