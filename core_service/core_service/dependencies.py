"""What handlers take from the running app: the Core components and the service's settings."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from core_service.config import Settings
from core_service.lifecycle import Core
from shared.app import ResourcesDep, ServiceResources


def core_of(resources: ServiceResources) -> Core:
    """The Core components of the running app's resources."""
    core = resources.components
    if not isinstance(core, Core):
        raise RuntimeError("the Core Service's lifespan is not running")
    return core


async def get_core(resources: ResourcesDep) -> Core:
    """The Core components."""
    return core_of(resources)


CoreDep = Annotated[Core, Depends(get_core)]


async def get_settings(core: CoreDep) -> Settings:
    """The Core Service's settings."""
    return core.settings


SettingsDep = Annotated[Settings, Depends(get_settings)]
