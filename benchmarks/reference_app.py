"""The floor to measure kefu against: a bare FastAPI app doing one primary-key read.

Served by the same uvicorn with the same worker count on the same database, it shows
how much of an endpoint's cost is the platform (HTTP, FastAPI, the driver) and how much
is kefu's own work.
"""

from __future__ import annotations

import os

from fastapi import FastAPI
from sqlalchemy import text

from kefu.core.db import make_engine

engine = make_engine(os.environ["KEFU_DATABASE_URL"])
app = FastAPI()


@app.get("/customers/{customer_id}")
def read_customer(customer_id: int) -> dict[str, object]:
    """One customer's name by primary key."""
    with engine.connect() as connection:
        name = connection.execute(
            text("SELECT name FROM customers WHERE id = :id"), {"id": customer_id}
        ).scalar()
    return {"id": customer_id, "name": name}
