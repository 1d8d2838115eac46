"""The bot's metrics: per-update records batched into `bot_metrics`, and the buckets its Prometheus
timings share (an update, a Bot API call, a backend call)."""

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
