"""The webhooks domain's dependencies: the receivers' runtime and the active-config directory."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from integration_service.lifecycle import resources_of
from integration_service.webhooks.configs import ConfigDirectory
from integration_service.webhooks.receiving import Receivers


def receivers_of(request: Request) -> Receivers:
    """The receivers' runtime (built by the API's start-up, never by the worker alone)."""
    receivers = resources_of(request.app).receivers
    assert receivers is not None, "webhook receivers are only routed in the API app"
    return receivers


def get_config_directory(request: Request) -> ConfigDirectory:
    """The receivers' cache of active configs: a change through the API forgets its entry."""
    return receivers_of(request).directory


ConfigDirectoryDep = Annotated[ConfigDirectory, Depends(get_config_directory)]
