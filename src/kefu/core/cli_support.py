"""What the command-line groups share: the database option and a session factory from it."""

from __future__ import annotations

import os
from typing import Annotated

import typer
from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

from kefu.config import get_settings
from kefu.core.db import make_engine, make_sessionmaker

DatabaseOption = Annotated[
    str | None, typer.Option("--database-url", help="Overrides KEFU_DATABASE_URL.")
]


def session_factory_for(database_url: str | None) -> sessionmaker[Session]:
    """Sessions on the given database, else on KEFU_DATABASE_URL's."""
    if database_url:
        os.environ["KEFU_DATABASE_URL"] = database_url
        get_settings.cache_clear()
    return make_sessionmaker(make_engine(get_settings().database_url))


def settings_checked() -> None:
    """Stop with each wrong setting named, by its variable, in one line, before any
    command runs (instead of a traceback from wherever the settings are first read)."""
    try:
        get_settings()
    except ValidationError as wrong:
        for error in wrong.errors():
            name = "KEFU_" + "_".join(str(part) for part in error["loc"]).upper()
            said = error["msg"].removeprefix("Value error, ")  # pydantic's, for our checks
            typer.echo(f"✗ {name}: {said}", err=True)
        raise typer.Exit(code=2) from None
