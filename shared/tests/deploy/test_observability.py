"""deploy/: every metric the dashboards and alerts name is exported by the code; scrape config is right."""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import yaml
from prometheus_client import REGISTRY

from shared import tracing

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
MEMBERS = ["shared", "core_service", "integration_service", "bot_gateway", "telegram_emulator"]
# Series Prometheus makes itself for every target rather than reading them from /metrics.
PROMETHEUS_BUILTIN = {"up", "scrape_duration_seconds", "scrape_samples_scraped"}
SUFFIXES = {"counter": ["_total", "_created"], "histogram": ["_bucket", "_count", "_sum", "_created"],
            "summary": ["", "_count", "_sum", "_created"], "gauge": [""], "info": ["_info"],
            "stateset": [""], "gaugehistogram": ["_bucket", "_gcount", "_gsum"], "unknown": [""]}
KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless",
            "offset", "inf", "nan"}


def import_everything() -> list[str]:
    """Import every module of every member (metrics register at import); the failures, if any."""
    errors = []
    for member in MEMBERS:
        package = importlib.import_module(member)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{member}."):
            if re.search(r"\.(migrations|tests)(\.|$)|__main__", info.name):
                continue
            try:
                importlib.import_module(info.name)
            except Exception as exc:  # a module that cannot import exports nothing: say which
                errors.append(f"{info.name}: {type(exc).__name__}: {exc}")
    return errors


def exported_names() -> set[str]:
    """Every series name the process-wide registry can expose, with the type's suffixes."""
    names: set[str] = set()
    for family in REGISTRY.collect():
        names.update(family.name + suffix for suffix in SUFFIXES.get(family.type, [""]))
        names.update(sample.name for sample in family.samples)
    return names


def metric_names(expr: str) -> set[str]:
    """Metric names a PromQL expression selects (functions, labels, keywords and ranges dropped)."""
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    expr = re.sub(r"\{[^}]*\}", "", expr)
    expr = re.sub(r"\[[^\]]*\]", "", expr)
    expr = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", expr)
    expr = re.sub(r"\$\w+", "", expr)
    names = set()
    for match in re.finditer(r"(?<![\w.])[A-Za-z_:][A-Za-z0-9_:]*", expr):
        if expr[match.end():].lstrip().startswith("(") or match.group().lower() in KEYWORDS:
            continue
        names.add(match.group())
    return names


def alert_rules() -> list[dict[str, Any]]:
    """Every rule of deploy/prometheus/alerts.yml."""
    data = yaml.safe_load((DEPLOY / "prometheus" / "alerts.yml").read_text())
    return [rule for group in data["groups"] for rule in group["rules"]]


def dashboards() -> dict[str, dict[str, Any]]:
    """Every dashboard JSON Grafana is provisioned with."""
    files = sorted((DEPLOY / "grafana" / "dashboards").glob("*.json"))
    return {p.name: json.loads(p.read_text()) for p in files}


def dashboard_exprs(board: dict[str, Any]) -> list[str]:
    """The PromQL of every panel target, and the metric of each `label_values` variable."""
    exprs = [t["expr"] for p in board["panels"] for t in p.get("targets", [])]
    for var in board.get("templating", {}).get("list", []):
        query = var.get("query", {})
        text = query.get("query", "") if isinstance(query, dict) else str(query)
        exprs += re.findall(r"label_values\(\s*([A-Za-z_:][A-Za-z0-9_:]*)", text)
    return exprs


@pytest.fixture(scope="module")
def exported(
    kit: ModuleType, app_services: dict[str, str], services: dict[str, Any], env_example: Any
) -> tuple[set[str], list[str]]:
    """What the code exports: every module imported and every app built (lazy metrics too)."""
    errors = import_everything()
    with pytest.MonkeyPatch.context() as patch:
        for name, package in app_services.items():
            settings = kit.container_settings(services[name], env_example, patch)
            kit.create_app(package, settings, services[name])
    return exported_names(), errors


def test_the_metric_name_parser_finds_metrics_not_functions_or_labels() -> None:
    expr = ('histogram_quantile(0.95, sum by (service, le) (rate(http_request_duration_seconds_bucket'
            '{route!~"/metrics|x"}[5m]))) / on (job) group_left up > bool 0.5 and $var')
    assert metric_names(expr) == {"http_request_duration_seconds_bucket", "up"}


@pytest.mark.timeout(600)
def test_every_metric_the_dashboards_and_alerts_use_is_exported(exported: tuple[set[str], list[str]]) -> None:
    names, import_errors = exported
    used: dict[str, set[str]] = {}
    for rule in alert_rules():
        for name in metric_names(rule["expr"]):
            used.setdefault(name, set()).add(f"alert {rule['alert']}")
    for file, board in dashboards().items():
        for expr in dashboard_exprs(board):
            for name in metric_names(expr):
                used.setdefault(name, set()).add(file)
    assert len(used) > 10
    missing = {name: sorted(where) for name, where in used.items()
               if name not in names and name not in PROMETHEUS_BUILTIN}
    assert not missing, f"referenced, never exported: {missing}; import failures: {import_errors}"


def test_every_alert_rule_is_complete_and_balanced() -> None:
    rules = alert_rules()
    assert len({r["alert"] for r in rules}) == len(rules), "duplicate alert names"
    for rule in rules:
        assert rule["labels"]["severity"] in {"critical", "warning", "info"}, rule["alert"]
        assert rule["annotations"]["summary"], rule["alert"]
        expr = rule["expr"]
        for left, right in ("()", "{}", "[]"):
            assert expr.count(left) == expr.count(right), f"{rule['alert']}: unbalanced {left}{right}"
    covered = " ".join(r["expr"] for r in rules)
    for needed in ("up", "http_requests_total", "http_request_duration_seconds_bucket", "/health/ready",
                   "outbox_publish_lag_seconds_bucket", "stream_messages_total", "stream_group_lag",
                   "http_client_circuit_state"):
        assert needed in covered, f"no alert on {needed}"


def test_prometheus_scrapes_every_service_where_compose_runs_it(
    services: dict[str, Any], app_services: dict[str, str]
) -> None:
    config = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())
    targets = {target for job in config["scrape_configs"] for sc in job["static_configs"]
               for target in sc["targets"]}
    assert all(job["metrics_path"] == "/metrics" for job in config["scrape_configs"])
    expected = set()
    for name in app_services:
        port = re.search(r"127\.0\.0\.1:(\d+)", " ".join(services[name]["healthcheck"]["test"]))
        assert port
        expected.add(f"{name}:{port.group(1)}")
    assert targets == expected
    volumes = [v.split(":") for v in services["prometheus"]["volumes"] if v.startswith("./")]
    mounted = {inside: outside for outside, inside, *_ in volumes}
    for rule_file in config["rule_files"]:
        folder, _, file = rule_file.rpartition("/")
        assert (ROOT / mounted[folder] / file).is_file(), f"{rule_file} is not mounted from deploy/"


def test_dashboards_use_the_provisioned_datasource_and_are_regenerated() -> None:
    source = DEPLOY / "grafana" / "provisioning" / "datasources" / "prometheus.yml"
    provisioned = yaml.safe_load(source.read_text())
    uid = provisioned["datasources"][0]["uid"]
    for file, board in dashboards().items():
        for panel in board["panels"]:
            for target in panel.get("targets", []):
                assert target["datasource"]["uid"] == uid, f"{file}: {panel['title']}"
    result = subprocess.run([sys.executable, "-m", "deploy.dashboard", "--check"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_the_dashboard_opens_the_trace_of_a_request_id_in_jaeger(
    services: dict[str, Any], app_services: dict[str, str]
) -> None:
    board = dashboards()["platform.json"]
    variables = {var["name"]: var for var in board["templating"]["list"]}
    [link] = [link for link in board["links"] if "${request_id" in link["url"]]
    address, _, search = link["url"].partition("?")
    query = {name: values[0] for name, values in parse_qs(search).items()}
    assert address == "${jaeger_url}/search"
    assert json.loads(query["tags"]) == {tracing.REQUEST_ID: "${request_id:percentencode}"}, "the spans' tag"
    assert query["service"] == "${trace_service}" and query["lookback"] == "custom"
    assert variables["request_id"]["type"] == "textbox"
    # The names the services trace under (the package: the emulator is not traced).
    traced = {package for package in app_services.values() if package != "telegram_emulator"}
    options = [option["value"] for option in variables["trace_service"]["options"]]
    assert set(options) == traced and variables["trace_service"]["query"].split(",") == options
    jaeger = urlsplit(variables["jaeger_url"]["query"])
    published = {port.split(":")[-1]: port.split(":")[-2] for port in services["jaeger"]["ports"]}
    assert published.get("16686") == str(jaeger.port), "the port compose publishes Jaeger's UI on"


@pytest.mark.timeout(600)
async def test_every_service_serves_prometheus_text_at_metrics(
    app_clients: dict[str, httpx.AsyncClient], app_services: dict[str, str]
) -> None:
    assert set(app_clients) == set(app_services)
    for name, client in app_clients.items():
        await client.get("/health")
        response = await client.get("/metrics")
        assert response.status_code == 200, name
        assert response.headers["content-type"].startswith("text/plain"), name
        assert "# TYPE http_requests_total counter" in response.text, name
