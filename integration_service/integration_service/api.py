"""Every route of the Integration Service: the public webhook receivers, and the management API,
every route of which needs the management token; each declares the errors it answers."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from integration_service.cache import router as cache
from integration_service.geocoding import router as geocoding
from integration_service.logs import router as logs
from integration_service.ratelimits import router as ratelimits
from integration_service.requests_log import router as requests_log
from integration_service.services import router as services
from integration_service.sheets import router as sheets
from integration_service.webhooks import router as webhooks
from shared.errors import error_responses
from shared.security import require_api_token

receivers = webhooks.receivers

# Any management call: a malformed X-Tenant-ID or a body that is not JSON, the token, an outage.
router = APIRouter(dependencies=[Depends(require_api_token)], responses=error_responses(400, 401, 503))
router.include_router(webhooks.router)
router.include_router(services.router)
router.include_router(logs.router)
router.include_router(ratelimits.router)
router.include_router(cache.router)
router.include_router(geocoding.router)
router.include_router(sheets.router)
router.include_router(requests_log.router)
