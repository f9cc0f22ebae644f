"""Spreadsheets (.xlsx, .xls, Kingsoft .et) as tables, one per sheet, through python-calamine."""

from __future__ import annotations

import datetime as dt
import io

from converter.model import Para, SourceError
from converter.read.formats import Deadline, Extracted, check_zip

MAX_CELLS = 200_000


def _cell(v: object) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (dt.datetime, dt.date)):
        return v.isoformat()[:10] if isinstance(v, dt.date) and not isinstance(v, dt.datetime) else v.isoformat(sep=" ")
    return "" if v is None else str(v).strip()


def read_sheet(data: bytes, rel: str, deadline: Deadline) -> Extracted:
    from python_calamine import CalamineWorkbook

    if data.startswith(b"PK"):
        check_zip(data, rel)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine's errors are its own classes: every one means "cannot read"
        raise SourceError(rel, f"corrupt or encrypted spreadsheet: {exc}") from exc
    paras: list[Para] = []
    cells = 0
    for name in book.sheet_names:
        deadline.left(rel)
        try:
            rows = [[_cell(c) for c in row] for row in book.get_sheet_by_name(name).to_python(skip_empty_area=True)]
        except Exception as exc:
            raise SourceError(rel, f"sheet {name!r} cannot be read: {exc}") from exc
        rows = [r for r in rows if any(r)]
        cells += sum(len(r) for r in rows)
        if cells > MAX_CELLS:
            raise SourceError(rel, f"over {MAX_CELLS} cells: a data dump, not a policy attachment")
        if not rows:
            continue
        if len(book.sheet_names) > 1:
            paras.append(Para(name))
        # A first row that is one cell over the table is its title (附件1：…名单).
        if len([c for c in rows[0] if c]) == 1 and len(rows) > 1 and max(len(r) for r in rows) > 1:
            paras.append(Para(next(c for c in rows[0] if c)))
            rows = rows[1:]
        paras.append(Para("", kind="table", rows=rows))
    return Extracted(paras, "xls" if data.startswith(b"\xd0\xcf") else "xlsx", "python-calamine")
