"""`.github/workflows/ci.yml` checked against what it stands for: a valid workflow that runs what
`.ci/run` runs, against PostgreSQL and Redis of the documented versions, builds every image
docker-compose.yml builds with the same arguments, and validates the Kubernetes manifests."""

from __future__ import annotations

import json
import re
import shlex
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"
SETUP_UV = "astral-sh/setup-uv@"


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    """The workflow, parsed (YAML 1.1 reads the `on:` key as True: put back)."""
    raw: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text())
    return {("on" if key is True else str(key)): value for key, value in raw.items()}


@pytest.fixture(scope="module")
def jobs(workflow: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return dict(workflow["jobs"])


def runs(job: dict[str, Any]) -> list[str]:
    """The shell commands of a job's `run:` steps, one per line (folded `>-` blocks are one)."""
    commands = []
    for step in job["steps"]:
        for line in str(step.get("run", "")).splitlines():
            if line.strip():
                commands.append(line.strip())
    return commands


def uses(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    """The steps of a job that use `action` (any version)."""
    return [step for step in job["steps"] if str(step.get("uses", "")).startswith(action)]


def ci_run_commands() -> list[str]:
    """The commands `.ci/run` ends in: its lines that call make."""
    return [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()
            if line.strip().startswith("make ")]


def major(image: str) -> str:
    """`postgres:15-alpine` -> `15`."""
    tag = image.rpartition(":")[2]
    found = re.match(r"\d+", tag)
    assert found, f"{image}: no version in its tag"
    return found.group()


def test_the_workflow_is_a_valid_github_actions_workflow(workflow: dict[str, Any]) -> None:
    schema_file = resources.files("check_jsonschema.builtin_schemas.vendor") / "github-workflows.json"
    schema = json.loads(schema_file.read_text())
    jsonschema.validate(workflow, schema)
    assert {"push", "pull_request"} <= set(workflow["on"])


def test_it_has_the_four_jobs(jobs: dict[str, dict[str, Any]]) -> None:
    assert set(jobs) >= {"lint", "test", "images", "manifests"}


def test_the_test_job_runs_what_ci_run_runs(jobs: dict[str, dict[str, Any]]) -> None:
    expected = ci_run_commands()
    assert expected == ["make test"], ".ci/run changed: say here what CI must run"
    commands = runs(jobs["test"])
    runs_the_script = any(shlex.split(c)[-1] == ".ci/run" for c in commands)
    assert runs_the_script or all(c in commands for c in expected), commands


def test_the_lint_job_runs_make_lint(jobs: dict[str, dict[str, Any]]) -> None:
    assert "make lint" in runs(jobs["lint"])


def test_every_make_target_the_workflow_runs_exists(jobs: dict[str, dict[str, Any]]) -> None:
    targets = set(re.findall(r"^([a-z][a-z-]*):", (ROOT / "Makefile").read_text(), re.MULTILINE))
    for name, job in jobs.items():
        for command in runs(job):
            if command.startswith("make "):
                assert set(shlex.split(command)[1:]) <= targets, f"{name}: {command}"


def test_the_suites_are_pointed_at_the_jobs_service_containers(jobs: dict[str, dict[str, Any]]) -> None:
    job = jobs["test"]
    services = job["services"]
    for variable, service, port in (("TEST_PG_URL", "postgres", 5432), ("TEST_REDIS_URL", "redis", 6379)):
        url = urlsplit(job["env"][variable])
        if "container" in job:  # the job's container shares a network with the services: by name
            assert (url.hostname, url.port) == (service, port), variable
        else:  # on the runner: the published port on localhost
            assert url.hostname in ("127.0.0.1", "localhost"), variable
            assert f"{url.port}:{port}" in services[service].get("ports", []), variable
    postgres = services["postgres"]["env"]
    assert postgres.get("POSTGRES_HOST_AUTH_METHOD") == "trust" or postgres.get("POSTGRES_PASSWORD")
    assert urlsplit(job["env"]["TEST_PG_URL"]).username == postgres.get("POSTGRES_USER", "postgres")


def test_the_service_containers_are_the_documented_versions(
    jobs: dict[str, dict[str, Any]], services: dict[str, dict[str, Any]]
) -> None:
    ci = jobs["test"]["services"]
    operations = (ROOT / "docs" / "OPERATIONS.md").read_text()
    dev_postgres = (ROOT / "deploy" / "k8s" / "dev" / "postgres.yaml").read_text()
    dev_redis = (ROOT / "deploy" / "k8s" / "dev" / "redis.yaml").read_text()
    postgres, redis = major(ci["postgres"]["image"]), major(ci["redis"]["image"])
    assert major(services["core-db"]["image"]) == postgres
    assert major(services["shared-redis"]["image"]) == redis
    assert f"PostgreSQL {postgres}" in operations and f"Redis {redis}" in operations
    assert f"image: postgres:{postgres}" in dev_postgres and f"image: redis:{redis}" in dev_redis


def test_every_image_compose_builds_is_built_with_its_build_arguments(
    jobs: dict[str, dict[str, Any]], services: dict[str, dict[str, Any]]
) -> None:
    matrix = jobs["images"]["strategy"]["matrix"]["include"]
    built = {entry["image"]: {k: str(v) for k, v in entry.items() if k != "image"} for entry in matrix}
    wanted = {svc["image"]: {k.lower(): str(v) for k, v in svc["build"]["args"].items()}
              for svc in services.values() if "build" in svc}
    assert built == wanted


def test_the_image_build_passes_every_dockerfile_argument_from_the_matrix(
    jobs: dict[str, dict[str, Any]],
) -> None:
    arguments = re.findall(r"^ARG (\w+)", (ROOT / "Dockerfile").read_text(), re.MULTILINE)
    build = " ".join(c for c in runs(jobs["images"]) if c.startswith("docker build") or c.startswith("--"))
    for name in arguments:
        assert f"--build-arg {name}=${{{{ matrix.{name.lower()} }}}}" in build, name
    assert "-t ${{ matrix.image }}" in build


def test_the_manifests_job_renders_and_validates_every_overlay(jobs: dict[str, dict[str, Any]]) -> None:
    commands = runs(jobs["manifests"])
    assert "make install" in commands  # kubectl and the Kubernetes schemas come with the dev dependencies
    test = "shared/tests/deploy/test_k8s.py"
    assert (ROOT / test).is_file()
    assert any(test in c and "pytest" in c for c in commands)


def test_every_job_that_runs_uv_caches_its_downloads_with_the_dockerfiles_uv(
    workflow: dict[str, Any], jobs: dict[str, dict[str, Any]]
) -> None:
    pinned = re.search(r'"uv==([\d.]+)"', (ROOT / "Dockerfile").read_text())
    assert pinned
    assert workflow["env"]["UV_VERSION"] == pinned.group(1)
    for name, job in jobs.items():
        if any(c.startswith(("make ", "./scripts/uv", ".ci/run")) for c in runs(job)):
            steps = uses(job, SETUP_UV)
            assert len(steps) == 1, f"{name}: no {SETUP_UV}"
            options = steps[0]["with"]
            assert options["enable-cache"] is True and options["cache-dependency-glob"] == "uv.lock", name
            assert options["version"] == "${{ env.UV_VERSION }}", name
