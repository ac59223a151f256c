"""The floor to measure kefu against: a bare FastAPI app doing one primary-key read.

Served by the same uvicorn with the same worker count on the same database, it shows
how much of an endpoint's cost is the platform (HTTP, FastAPI, the driver) and how much
is kefu's own work.
"""

from __future__ import annotations

import os

from fastapi import FastAPI
from pydantic import BaseModel
from sqlalchemy import text

from benchmarks.scratch import rows
from kefu.core.db import make_engine

engine = make_engine(os.environ["KEFU_DATABASE_URL"])
app = FastAPI()


class Row(BaseModel):
    """What the bare write endpoint stores."""

    subject: str


@app.get("/customers/{customer_id}")
def read_customer(customer_id: int) -> dict[str, object]:
    """One customer's name by primary key."""
    with engine.connect() as connection:
        name = connection.execute(
            text("SELECT name FROM customers WHERE id = :id"), {"id": customer_id}
        ).scalar()
    return {"id": customer_id, "name": name}


@app.post("/rows", status_code=201)
def insert_row(row: Row) -> dict[str, object]:
    """One row inserted in its own transaction: the floor for a creation endpoint."""
    with engine.begin() as connection:
        new_id = connection.execute(rows.insert().values(subject=row.subject)).inserted_primary_key
    return {"id": new_id[0] if new_id else None}
