"""``python -m beredskab``: the command line."""

from .cli import main

main()
