"""Deployment files: Prometheus, Grafana, alert rules and the `.env.example` generator."""
