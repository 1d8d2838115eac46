"""Write one request's row: found by its number in column A, appended when it is not there yet."""

from __future__ import annotations

from integration_service.requests_log.columns import HEADERS
from integration_service.sheets import schemas
from integration_service.sheets.service import Sheets


def quoted(worksheet: str) -> str:
    """A worksheet title as A1 notation wants it."""
    return "'" + worksheet.replace("'", "''") + "'"


async def write_row(sheets: Sheets, tenant: str, spreadsheet_id: str, worksheet: str, number: str,
                    row: list[str], changed: list[int]) -> None:
    """Update the `changed` cells of the request's row, or append the row (header first on an empty sheet).

    Only changed cells are written, so what people typed into other cells of the row stays.
    """
    sheet = quoted(worksheet)
    column = await sheets.read(tenant, spreadsheet_id, f"{sheet}!A:A", use_cache=False)
    numbers = [cells[0] if cells else "" for cells in column.values]
    # RAW: text is stored as typed, so a description starting with "=" is never a formula.
    if not numbers:
        await sheets.write(tenant, schemas.WriteIn(spreadsheet_id=spreadsheet_id, range=f"{sheet}!A1",
                                                   values=[HEADERS, row], value_input_option="RAW"))
    elif number in numbers:
        at = numbers.index(number) + 1
        cells = [schemas.RangeValues(range=f"{sheet}!{chr(65 + i)}{at}", values=[[row[i]]]) for i in changed]
        await sheets.batch(tenant, schemas.BatchIn(spreadsheet_id=spreadsheet_id, writes=cells,
                                                   value_input_option="RAW"))
    else:
        await sheets.append(tenant, schemas.WriteIn(spreadsheet_id=spreadsheet_id, range=f"{sheet}!A1",
                                                    values=[row], value_input_option="RAW"))
