"""The version of beredskab: one place, read by setup.cfg and by the manifest of every document."""

__version__ = "0.1.0"
