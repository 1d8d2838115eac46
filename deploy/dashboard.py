"""Write the Grafana dashboard JSON: `.venv/bin/python -m deploy.dashboard`.

Panels are listed here as (title, unit, [(PromQL, legend)]) so the JSON stays consistent; only
metrics the services export may appear (shared/tests/deploy/test_observability.py checks). A
request id (a response's `X-Request-ID`, a log line's `correlation_id`) typed into the
`request_id` box opens its trace in Jaeger through the dashboard's link (a search by the
`request_id` tag every server span carries, shared/shared/tracing.py).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "grafana" / "dashboards" / "platform.json"
RATE = "$__rate_interval"
DATASOURCE = {"type": "prometheus", "uid": "prometheus"}
HTTP_FILTER = 'service=~"$service", route!~"/metrics|/health.*"'
BOT_UPDATES = "bot_update_dispatch_seconds_count"
# Where the browser reaches Jaeger's UI: compose publishes it on this port (a cluster: port-forward).
JAEGER_UI = "http://127.0.0.1:16686"
# The services' names in the trace viewer (OTEL_SERVICE_NAME, else the package).
TRACED_SERVICES = ("core_service", "integration_service", "bot_gateway", "console")
TRACE_TAG = "request_id"
# Jaeger's search by tag over the dashboard's time range (Jaeger counts microseconds, Grafana ms).
TRACE_SEARCH = ("${jaeger_url}/search?service=${trace_service}&tags=%7B%22" + TRACE_TAG
                + "%22%3A%22${request_id:percentencode}%22%7D&lookback=custom&start=${__from}000"
                "&end=${__to}000&limit=20")

Panel = tuple[str, str, list[tuple[str, str]]]
ROWS: list[tuple[str, list[Panel]]] = [
    ("HTTP (every service)", [
        ("Request rate by service", "reqps", [
            (f"sum by (service) (rate(http_requests_total{{{HTTP_FILTER}}}[{RATE}]))", "{{service}}")]),
        ("5xx ratio by service", "percentunit", [
            (f'sum by (service) (rate(http_requests_total{{{HTTP_FILTER}, status=~"5.."}}[{RATE}]))'
             f" / sum by (service) (rate(http_requests_total{{{HTTP_FILTER}}}[{RATE}]))", "{{service}}")]),
        ("Latency p50 / p95 / p99 by service", "s", [
            (f"histogram_quantile({q}, sum by (service, le) "
             f"(rate(http_request_duration_seconds_bucket{{{HTTP_FILTER}}}[{RATE}])))",
             f"{{{{service}}}} p{p}")
            for q, p in (("0.5", "50"), ("0.95", "95"), ("0.99", "99"))]),
        ("Slowest routes (p95)", "s", [
            (f"topk(10, histogram_quantile(0.95, sum by (service, route, le) "
             f"(rate(http_request_duration_seconds_bucket{{{HTTP_FILTER}}}[{RATE}]))))",
             "{{service}} {{route}}")]),
        ("Responses by status", "reqps", [
            (f"sum by (service, status) (rate(http_requests_total{{{HTTP_FILTER}}}[{RATE}]))",
             "{{service}} {{status}}")]),
        ("Readiness failures (/health/ready 503)", "short", [
            ('sum by (service) (increase(http_requests_total{route="/health/ready", status="503"}[5m]))',
             "{{service}}")]),
    ]),
    ("Webhooks (Integration Service)", [
        ("Deliveries by outcome", "ops", [
            (f"sum by (source) (rate(webhook_accepted_total[{RATE}]))", "{{source}} accepted"),
            (f"sum by (source) (rate(webhook_duplicate_total[{RATE}]))", "{{source}} duplicate"),
            (f"sum by (source, reason) (rate(webhook_rejected_total[{RATE}]))",
             "{{source}} rejected {{reason}}")]),
        ("Processing: published, filtered, failed, dead", "ops", [
            (f"sum by (source) (rate(webhook_published_total[{RATE}]))", "{{source}} published"),
            (f"sum by (source) (rate(webhook_filtered_total[{RATE}]))", "{{source}} filtered"),
            (f"sum by (source) (rate(webhook_failed_total[{RATE}]))", "{{source}} failed (retried)"),
            (f"sum by (source) (rate(webhook_dead_total[{RATE}]))", "{{source}} dead")]),
        ("Ingest time p95 (verify + store)", "s", [
            (f"histogram_quantile(0.95, sum by (source, le) (rate(webhook_ingest_seconds_bucket[{RATE}])))",
             "{{source}} p95")]),
        ("Publish lag p95 (receipt to Redis)", "s", [
            (f"histogram_quantile(0.95, sum by (source, le) "
             f"(rate(webhook_publish_lag_seconds_bucket[{RATE}])))", "{{source}} p95")]),
    ]),
    ("Events: outbox relay and streams", [
        ("Events published by outbox", "ops", [
            (f"sum by (outbox) (rate(outbox_published_total[{RATE}]))", "{{outbox}}")]),
        ("Publish lag p95 (outbox row to Redis)", "s", [
            (f"histogram_quantile(0.95, sum by (outbox, le) "
             f"(rate(outbox_publish_lag_seconds_bucket[{RATE}])))",
             "{{outbox}} p95")]),
        ("Publish errors (rows kept, retried)", "ops", [
            (f"sum by (outbox) (rate(outbox_publish_errors_total[{RATE}]))", "{{outbox}}")]),
        ("Stream entries handled by outcome", "ops", [
            (f"sum by (group, outcome) (rate(stream_messages_total[{RATE}]))", "{{group}} {{outcome}}")]),
        ("Consumer-group lag (entries not yet delivered)", "short", [
            ("max by (stream, group) (stream_group_lag)", "{{group}} on {{stream}}")]),
        ("Consumer-group pending (delivered, not acknowledged)", "short", [
            ("max by (stream, group) (stream_group_pending)", "{{group}} on {{stream}}")]),
        ("Requests log (Core events into tenants' spreadsheets)", "ops", [
            (f"sum by (outcome) (rate(requests_log_events_total[{RATE}]))", "{{outcome}}")]),
    ]),
    ("Bot Gateway", [
        ("Updates by type and outcome", "ops", [
            (f"sum by (event_type, outcome) (rate(bot_updates_total[{RATE}]))",
             "{{event_type}} {{outcome}}")]),
        ("Update handling time p50 / p95", "s", [
            (f"histogram_quantile({q}, sum by (le) (rate(bot_update_duration_seconds_bucket[{RATE}])))",
             f"p{p}")
            for q, p in (("0.5", "50"), ("0.95", "95"))]),
        ("Backend calls by service and status", "ops", [
            (f"sum by (service, status) (rate(bot_backend_calls_total[{RATE}]))", "{{service}} {{status}}")]),
        ("Notifications sent by outcome", "ops", [
            (f"sum by (outcome) (rate(bot_notifications_sent_total[{RATE}]))", "{{outcome}}")]),
        ("Updates dropped by the bot's rate limit", "ops", [
            (f"sum by (scope) (rate(bot_rate_limited_total[{RATE}]))", "{{scope}}")]),
        # Mean seconds per update: the whole update (its chat's lock included), and the calls made
        # meanwhile (notifications' and background loops' calls counted too), by where they went.
        ("Where an update's time goes (mean per update)", "s", [
            (f"sum(rate(bot_update_dispatch_seconds_sum[{RATE}])) / sum(rate({BOT_UPDATES}[{RATE}]))",
             "whole update"),
            (f"sum by (service) (rate(bot_backend_call_seconds_sum[{RATE}])) / scalar(sum(rate({BOT_UPDATES}"
             f"[{RATE}])))", "waiting for {{service}}"),
            (f'sum(rate(bot_telegram_request_seconds_sum{{method!="GetUpdates"}}[{RATE}])) / sum(rate('
             f"{BOT_UPDATES}[{RATE}]))", "waiting for Telegram")]),
    ]),
    ("Outbound calls: circuit breakers", [
        ("Circuit breaker state (0 closed, 1 half-open, 2 open)", "short", [
            ("max by (job, upstream) (http_client_circuit_state)", "{{job}} -> {{upstream}}")]),
        ("Circuit breaker openings", "short", [
            ("sum by (job, upstream) (increase(http_client_circuit_opened_total[5m]))",
             "{{job}} -> {{upstream}}")]),
    ]),
    ("Rate limits, cache, call log", [
        ("Rate-limit hits by limiter", "ops", [
            (f"sum by (limiter) (rate(rate_limit_hits_total[{RATE}]))", "{{limiter}}"),
            (f"sum by (limiter) (rate(rate_limit_fail_open_total[{RATE}]))", "{{limiter}} fail-open")]),
        ("Cache hit ratio by namespace", "percentunit", [
            (f"sum by (namespace) (rate(cache_hits_total[{RATE}])) / (sum by (namespace) "
             f"(rate(cache_hits_total[{RATE}])) + sum by (namespace) (rate(cache_misses_total[{RATE}])))",
             "{{namespace}}")]),
        ("Outbound call log: queue and drops", "short", [
            ("sum(integration_call_log_queue_depth)", "queued"),
            (f"sum by (reason) (rate(integration_call_log_dropped_total[{RATE}]))", "dropped {{reason}}")]),
    ]),
]


def panel(panel_id: int, title: str, unit: str, targets: list[tuple[str, str]], x: int, y: int,
          ) -> dict[str, Any]:
    """One time-series panel."""
    return {
        "id": panel_id, "type": "timeseries", "title": title, "datasource": DATASOURCE,
        "gridPos": {"h": 8, "w": 12, "x": x, "y": y},
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "options": {"legend": {"displayMode": "table", "placement": "bottom", "calcs": ["mean", "max"]},
                    "tooltip": {"mode": "multi"}},
        "targets": [{"refId": chr(ord("A") + i), "datasource": DATASOURCE, "expr": expr,
                     "legendFormat": legend} for i, (expr, legend) in enumerate(targets)],
    }


def build() -> dict[str, Any]:
    """The whole dashboard."""
    panels: list[dict[str, Any]] = []
    y = 0
    for row_title, row_panels in ROWS:
        panels.append({"id": len(panels) + 1, "type": "row", "title": row_title, "collapsed": False,
                       "gridPos": {"h": 1, "w": 24, "x": 0, "y": y}, "panels": []})
        y += 1
        for i, (title, unit, targets) in enumerate(row_panels):
            panels.append(panel(len(panels) + 1, title, unit, targets, 12 * (i % 2), y + 8 * (i // 2)))
        y += 8 * ((len(row_panels) + 1) // 2)
    service_var = {
        "name": "service", "label": "service", "type": "query", "datasource": DATASOURCE,
        "query": {"query": "label_values(http_requests_total, service)", "refId": "service"},
        "definition": "label_values(http_requests_total, service)",
        "includeAll": True, "multi": True, "allValue": ".*", "refresh": 2,
        "current": {"text": "All", "value": "$__all"},
    }
    return {
        "uid": "uk-platform", "title": "UK Management Platform", "tags": ["uk-platform"],
        "timezone": "browser", "schemaVersion": 39, "version": 1, "refresh": "30s",
        "time": {"from": "now-1h", "to": "now"}, "editable": False,
        "templating": {"list": [service_var, *trace_variables()]}, "annotations": {"list": []},
        "links": [{"title": "Trace of request ${request_id} (Jaeger)", "type": "link",
                   "icon": "external link", "url": TRACE_SEARCH, "targetBlank": True, "asDropdown": False,
                   "includeVars": False, "keepTime": False, "tags": [],
                   "tooltip": "Jaeger's search by the request_id tag"}],
        "panels": panels,
    }


def trace_variables() -> list[dict[str, Any]]:
    """The boxes the trace link reads: the request id, the service that logged it, Jaeger's address."""
    services = ",".join(TRACED_SERVICES)
    first = TRACED_SERVICES[0]
    return [
        {"name": "request_id", "label": "request id (X-Request-ID)", "type": "textbox", "query": "",
         "current": {"text": "", "value": ""}, "hide": 0},
        {"name": "trace_service", "label": "traced service", "type": "custom", "query": services,
         "options": [{"text": name, "value": name, "selected": name == first} for name in TRACED_SERVICES],
         "current": {"text": first, "value": first}, "includeAll": False, "multi": False, "hide": 0},
        {"name": "jaeger_url", "label": "Jaeger", "type": "textbox", "query": JAEGER_UI,
         "current": {"text": JAEGER_UI, "value": JAEGER_UI}, "hide": 0},
    ]


def main() -> None:
    """Write (or with `--check`, compare) the dashboard JSON."""
    text = json.dumps(build(), indent=2, ensure_ascii=False) + "\n"
    if "--check" in sys.argv:
        raise SystemExit(0 if OUT.read_text() == text else f"{OUT} is out of date")
    OUT.write_text(text)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
