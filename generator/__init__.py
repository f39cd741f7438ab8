"""beredskab: forms and Word documents for a municipal emergency plan against violence at work."""

__version__ = "0.1.0"
