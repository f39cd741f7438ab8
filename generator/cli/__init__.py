"""The command line (click): ``beredskab`` and its commands."""


def main() -> None:
    """The console-script entry point: collection held off while the command starts (``_heap``)."""
    from . import _heap

    _heap.hold()
    from .commands import main as run

    run()
