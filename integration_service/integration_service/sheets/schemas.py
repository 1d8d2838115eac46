"""Request and response bodies of the Sheets API."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints, field_validator, model_validator

from shared.schemas import ApiModel

SpreadsheetId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{10,128}$")]
A1Range = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=256)]
Cell = str | int | float | bool | None
MAX_CELLS = 50_000
Render = Literal["FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA"]
InputOption = Literal["RAW", "USER_ENTERED"]


def _bounded(values: list[list[Cell]]) -> list[list[Cell]]:
    if sum(len(row) for row in values) > MAX_CELLS:
        raise ValueError(f"at most {MAX_CELLS} cells per call")
    return values


class ReadIn(ApiModel):
    """`POST /read`."""

    spreadsheet_id: SpreadsheetId
    range: A1Range
    value_render_option: Render = "FORMATTED_VALUE"


class WriteIn(ApiModel):
    """`POST /write` and `/append`."""

    spreadsheet_id: SpreadsheetId
    range: A1Range
    values: list[list[Cell]] = Field(min_length=1, max_length=10_000)
    value_input_option: InputOption = "USER_ENTERED"

    _cells = field_validator("values")(lambda cls, v: _bounded(v))


class RangeValues(ApiModel):
    """One range of a batch write."""

    range: A1Range
    values: list[list[Cell]] = Field(min_length=1, max_length=10_000)


class BatchIn(ApiModel):
    """`POST /batch`: several reads or several writes of one spreadsheet, never both."""

    spreadsheet_id: SpreadsheetId
    reads: list[A1Range] | None = Field(default=None, min_length=1, max_length=100)
    writes: list[RangeValues] | None = Field(default=None, min_length=1, max_length=100)
    value_render_option: Render = "FORMATTED_VALUE"
    value_input_option: InputOption = "USER_ENTERED"

    @model_validator(mode="after")
    def _one_kind(self) -> BatchIn:
        if (self.reads is None) == (self.writes is None):
            raise ValueError("give either reads or writes")
        if self.writes is not None:
            _bounded([cell for w in self.writes for cell in w.values])
        return self


class ValueRange(BaseModel):
    """Values read from one range."""

    spreadsheet_id: str
    range: str
    values: list[list[Cell]]
    cached: bool = False


class Updated(BaseModel):
    """What a write changed."""

    spreadsheet_id: str
    updated_range: str
    updated_rows: int = 0
    updated_columns: int = 0
    updated_cells: int = 0


class BatchOut(BaseModel):
    """A batch's reads or writes, in request order."""

    spreadsheet_id: str
    value_ranges: list[ValueRange] | None = None
    updates: list[Updated] | None = None
    total_updated_cells: int | None = None


class Worksheet(BaseModel):
    """One tab."""

    id: int
    title: str
    index: int
    rows: int
    columns: int


class Metadata(BaseModel):
    """`GET /metadata/{spreadsheet_id}`."""

    spreadsheet_id: str
    title: str
    locale: str | None = None
    time_zone: str | None = None
    worksheets: list[Worksheet]
    cached: bool = False
