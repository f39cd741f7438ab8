"""The web form's commands: ``serve`` and ``users add``."""

from __future__ import annotations

import click

from . import _heap
from ._danish import DanishCommand, DanishGroup
from .cases import db_option
from .options import plan_option

from ..register import users as register_users
from ..register.session import Register


@click.command("serve", cls=DanishCommand)
@click.option("--host", default="127.0.0.1", show_default=True, metavar="ADRESSE",
              help="Adressen, der lyttes på. Andre end 127.0.0.1 kræver brugere eller --trust-proxy-user.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), metavar="PORT",
              help="Porten, der lyttes på.")
@db_option
@plan_option
@click.option("--trust-proxy-user", "proxy_header", default=None, metavar="HEADER",
              help="Stol på brugernavnet i denne header fra en proxy med log-ind (fx X-Remote-User).")
@click.option("--processes", type=click.IntRange(1, 64), default=1, show_default=True, metavar="ANTAL",
              help="Serverprocesser, der deler adressen og registret (en server med flere ledige kerner).")
def serve_command(host, port, db_path, plan_dir, proxy_header, processes):
    """Start webformularen: udfyld, gem og dan sager i browseren.

    Eksempel: beredskab serve --port 8000
    """
    from ..web.server import serve  # Flask and waitress load only for this command

    _heap.settle()  # a server runs for days: its modules frozen, collection as usual (cli/_heap.py)
    serve(host=host, port=port, db=db_path, plan=plan_dir, proxy_header=proxy_header, echo=click.echo,
          processes=processes)


@click.group("users", cls=DanishGroup)
def users_group():
    """Brugere af webformularen (når den lytter på andet end 127.0.0.1).

    Eksempel: beredskab users add hanne --role leader
    """


@users_group.command("add")
@click.argument("name", metavar="NAVN")
@click.option("--role", type=click.Choice(register_users.ROLES), required=True,
              help="hr ser alle sager; leader ser de sager, lederen selv har oprettet.")
@click.option("--replace", is_flag=True, help="Skift rolle og adgangskode for en bruger, der findes.")
@db_option
@click.password_option("--password", prompt="Adgangskode", confirmation_prompt="Gentag adgangskoden",
                       help="Adgangskoden (spørges der om, hvis den ikke gives).")
def users_add_command(name, role, replace, db_path, password):
    """Opret en bruger med en rolle og en adgangskode (gemmes kun som scrypt-hash).

    Eksempel: beredskab users add hanne --role leader
    """
    with Register.open(db_path, user=name) as register:  # the engine is not loaded: no case is read
        created = register_users.add_user(register.conn, name, role, password, replace=replace)
    click.echo(f"Brugeren {name} er {'oprettet' if created else 'ændret'} ({role}).")
