"""`python -m app.accounts create-admin`: the first administrator of a kommun.

The password is asked for (not echoed), or read from ADMIN_PASSWORD for scripted set-ups.
Failures are one Swedish line and exit 1.
"""

import os
from typing import Annotated

import typer
from sqlmodel import Session

from app.accounts.service import AccountError, create_admin
from app.db import make_engine
from app.settings import get_settings

cli = typer.Typer(add_completion=False, help="Konton för kommunens administratörer.")


@cli.callback()
def main() -> None:
    """Konton för kommunens administratörer och utförarnas redaktörer."""


@cli.command("create-admin")
def create_admin_command(
    kommun: Annotated[str, typer.Option(help="kommunkod, t.ex. 0160")],
    email: Annotated[str, typer.Option(help="e-postadress")],
    name: Annotated[str, typer.Option(help="namn")],
) -> None:
    """Skapa kommunens första administratör (eller ge en befintlig användare rollen)."""
    password = os.environ.get("ADMIN_PASSWORD") or typer.prompt(
        "Lösenord (minst 12 tecken)", hide_input=True, confirmation_prompt=True
    )
    engine = make_engine(get_settings().database_url)
    try:
        with Session(engine) as session:
            user = create_admin(session, email, name, password, kommun)
            typer.echo(f"{user.email} är administratör för kommun {kommun}.")
    except AccountError as exc:
        typer.echo(f"Fel: {exc.message}", err=True)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()


if __name__ == "__main__":
    cli()
