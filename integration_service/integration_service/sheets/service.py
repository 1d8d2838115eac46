"""Reads through the tenant cache, writes that invalidate it, batches and metadata."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from integration_service.sheets import schemas
from integration_service.sheets.cache import ReadCache
from integration_service.sheets.gateway import SheetsGateway


@dataclass
class Sheets:
    """The adapter the router and the requests log use."""

    gateway: SheetsGateway
    cache: ReadCache
    # Misses being fetched now: identical concurrent reads share one Google call (60/min is scarce).
    inflight: dict[tuple[str, str, int, str], asyncio.Task[schemas.ValueRange]] = field(default_factory=dict)

    async def read(self, tenant: str, sid: str, rng: str, render: str = "FORMATTED_VALUE",
                   use_cache: bool = True) -> schemas.ValueRange:
        """Values of one range, from cache for five minutes after a read."""
        generation = await self.cache.generation(tenant, sid) if use_cache else None
        part = f"{render}:{rng}"
        if (hit := await self.cache.get(tenant, sid, generation, "values", part)) is not None:
            return schemas.ValueRange(**hit, cached=True)
        if generation is None:
            return await self._fetch(tenant, sid, rng, render, generation)
        key = (tenant, sid, generation, part)
        task = self.inflight.get(key)
        if task is None:
            task = asyncio.ensure_future(self._fetch(tenant, sid, rng, render, generation))
            self.inflight[key] = task
            task.add_done_callback(lambda _: self.inflight.pop(key, None))
        # Shielded: one caller giving up does not cancel the fetch the others wait for.
        return await asyncio.shield(task)

    async def _fetch(self, tenant: str, sid: str, rng: str, render: str,
                     generation: int | None) -> schemas.ValueRange:
        body = await self.gateway.call(tenant, "read", sid, lambda http: http.values_get(
            sid, rng, params={"valueRenderOption": render}))
        result = schemas.ValueRange(spreadsheet_id=sid, range=body["range"], values=body.get("values", []))
        await self.cache.put(tenant, sid, generation, "values", f"{render}:{rng}",
                             result.model_dump(exclude={"cached"}))
        return result

    async def write(self, tenant: str, body: schemas.WriteIn) -> schemas.Updated:
        """values.update; the spreadsheet's cached reads are dropped."""
        sid = body.spreadsheet_id
        try:
            answer = await self.gateway.call(tenant, "write", sid, lambda http: http.values_update(
                sid, body.range, params={"valueInputOption": body.value_input_option},
                body={"values": body.values}))
        finally:
            await self.cache.invalidate(tenant, sid)
        return _updated(sid, answer)

    async def append(self, tenant: str, body: schemas.WriteIn) -> schemas.Updated:
        """values.append after the range's table; cached reads dropped."""
        sid = body.spreadsheet_id
        params: dict[str, Any] = {"valueInputOption": body.value_input_option,
                                  "insertDataOption": "INSERT_ROWS"}
        try:
            answer = await self.gateway.call(tenant, "append", sid, lambda http: http.values_append(
                sid, body.range, params, {"values": body.values}))
        finally:
            await self.cache.invalidate(tenant, sid)
        return _updated(sid, answer.get("updates", {}))

    async def batch(self, tenant: str, body: schemas.BatchIn) -> schemas.BatchOut:
        """Several reads (cached ones not fetched again) or several writes, one Google call."""
        if body.reads is not None:
            return await self._batch_read(tenant, body.spreadsheet_id, body.reads, body.value_render_option)
        assert body.writes is not None
        sid = body.spreadsheet_id
        request = {"valueInputOption": body.value_input_option,
                   "data": [{"range": w.range, "values": w.values} for w in body.writes]}
        try:
            answer = await self.gateway.call(tenant, "batch", sid, lambda http: http.values_batch_update(
                sid, request))
        finally:
            await self.cache.invalidate(tenant, sid)
        updates = [_updated(sid, r) for r in answer.get("responses", [])]
        return schemas.BatchOut(spreadsheet_id=sid, updates=updates,
                                total_updated_cells=int(answer.get("totalUpdatedCells", 0)))

    async def _batch_read(self, tenant: str, sid: str, ranges: list[str],
                          render: str) -> schemas.BatchOut:
        generation = await self.cache.generation(tenant, sid)
        found: dict[str, schemas.ValueRange] = {}
        for rng in dict.fromkeys(ranges):
            hit = await self.cache.get(tenant, sid, generation, "values", f"{render}:{rng}")
            if hit is not None:
                found[rng] = schemas.ValueRange(**hit, cached=True)
        missing = [r for r in dict.fromkeys(ranges) if r not in found]
        if missing:
            answer = await self.gateway.call(tenant, "batch", sid, lambda http: http.values_batch_get(
                sid, missing, params={"valueRenderOption": render}))
            for rng, vr in zip(missing, answer.get("valueRanges", []), strict=False):
                result = schemas.ValueRange(spreadsheet_id=sid, range=vr["range"],
                                            values=vr.get("values", []))
                await self.cache.put(tenant, sid, generation, "values", f"{render}:{rng}",
                                     result.model_dump(exclude={"cached"}))
                found[rng] = result
        return schemas.BatchOut(spreadsheet_id=sid, value_ranges=[found[r] for r in ranges if r in found])

    async def metadata(self, tenant: str, sid: str) -> schemas.Metadata:
        """Title, locale, time zone and every worksheet with its size."""
        generation = await self.cache.generation(tenant, sid)
        if (hit := await self.cache.get(tenant, sid, generation, "meta", "-")) is not None:
            return schemas.Metadata(**hit, cached=True)
        raw = await self.gateway.call(tenant, "metadata", sid, lambda http: http.fetch_sheet_metadata(sid))
        result = _metadata(sid, raw)
        await self.cache.put(tenant, sid, generation, "meta", "-", result.model_dump(exclude={"cached"}))
        return result


def _updated(sid: str, answer: dict[str, Any]) -> schemas.Updated:
    return schemas.Updated(spreadsheet_id=sid, updated_range=str(answer.get("updatedRange", "")),
                           updated_rows=int(answer.get("updatedRows", 0)),
                           updated_columns=int(answer.get("updatedColumns", 0)),
                           updated_cells=int(answer.get("updatedCells", 0)))


def _metadata(sid: str, raw: Any) -> schemas.Metadata:
    props = raw.get("properties", {})
    sheets = [s.get("properties", {}) for s in raw.get("sheets", [])]
    return schemas.Metadata(
        spreadsheet_id=sid, title=str(props.get("title", "")), locale=props.get("locale"),
        time_zone=props.get("timeZone"),
        worksheets=[schemas.Worksheet(id=int(s.get("sheetId", 0)), title=str(s.get("title", "")),
                                      index=int(s.get("index", 0)),
                                      rows=int(s.get("gridProperties", {}).get("rowCount", 0)),
                                      columns=int(s.get("gridProperties", {}).get("columnCount", 0)))
                    for s in sheets])
