"""The web form: Flask pages over the engine and the case register (``beredskab serve``).

Only this subpackage imports Flask. This first piece holds the form widgets built from the
pack's forms and the parsing of a posted form back into case data; the app follows.
"""
