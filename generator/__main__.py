"""``python -m beredskab``: the command line."""

from .cli.commands import main

main()
