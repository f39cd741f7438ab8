"""``beredskab serve``: the web form on waitress, and the rule of who may use it at which address.

Bound to the loopback address (the default), the person at this computer is the one user and
no login is asked. Bound to any other address, the app refuses to start unless the register has
users (``beredskab users add``, then a login page) or ``--trust-proxy-user HEADER`` names the
header in which a single-sign-on reverse proxy passes the logged-in user; session cookies are
then ``Secure`` (the app must sit behind HTTPS).
"""

from __future__ import annotations

import ipaddress
import os
from typing import Callable

from ..errors import ServeError
from ..register import users as register_users
from ..register.session import Register
from ..register.settings import session_secret

#: The address the web form listens on unless told otherwise.
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000

#: Waitress's worker threads per process: requests served at once.
THREADS = 8


#: Server processes unless ``--processes`` says otherwise: two where there are two cores (on a
#: quiet 2-core machine, with the benchmark's 20 clients on the same cores, two processes served
#: 48 % more saves a second than one and cut the save's 95th percentile from 182 to 154 ms:
#: bench/README.md), one on a single core and on Windows (several processes are untested there).
DEFAULT_PROCESSES = 1 if os.name == "nt" else max(1, min(2, os.cpu_count() or 1))


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def app_config(host: str, db: str | None, plan: str | None, proxy_header: str | None) -> dict:
    """The app's settings for serving on ``host``; refuses a public address without users."""
    config = {"DB": db, "PLAN": plan}
    if proxy_header:
        config.update(AUTH="proxy", PROXY_USER_HEADER=proxy_header)
    elif is_loopback(host):
        config.update(AUTH="local")
    else:
        with Register.open(db, user="serve") as register:
            found = register_users.has_users(register.conn)
        if not found:
            raise ServeError(
                f"beredskab vil ikke lytte på {host} uden brugere: opret dem med "
                "'beredskab users add NAVN --role hr|leader', eller kør bag en proxy med log-ind "
                "og --trust-proxy-user HEADER")
        config.update(AUTH="users")
    config["SESSION_COOKIE_SECURE"] = not is_loopback(host)
    return config


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, db: str | None = None, plan: str | None = None,
          proxy_header: str | None = None, echo: Callable[[str], None] = print,
          processes: int | None = None) -> None:
    """Start the web form and serve until stopped (Ctrl-C), in ``processes`` processes
    (default :data:`DEFAULT_PROCESSES`) sharing the address and the register."""
    config = app_config(host, db, plan, proxy_header)
    processes = DEFAULT_PROCESSES if processes is None else processes
    if processes < 1:
        raise ServeError("--processes skal være mindst 1")
    if processes > 1:
        _serve_processes(config, host, port, processes, echo)
        return
    from waitress import create_server

    from . import create_app

    app = create_app(config)
    try:
        server = create_server(app, host=host, port=port, threads=THREADS, ident="beredskab")
    except OSError as err:
        raise _cannot_listen(host, port) from err
    _announce(host, server.effective_port, echo)
    try:
        server.run()
    finally:
        server.close()


def _serve_processes(config: dict, host: str, port: int, processes: int, echo: Callable[[str], None]) -> None:
    from .processes import listening_socket, serve_processes

    # Each process renders an untrusted pack's documents in its own workers: share the cores.
    workers = max(1, min(4, os.cpu_count() or 1) // processes)
    try:
        sock = listening_socket(host, port)
    except OSError as err:
        raise _cannot_listen(host, port) from err
    # The register is made (or brought up to date) and its session secret read once, here:
    # processes starting together on a new register raced to create it ("registret er optaget").
    try:
        with Register.open(config["DB"], user="serve") as register:
            secret = session_secret(register.conn)
        serve_processes({**config, "RENDER_WORKERS": workers, "SECRET_KEY": secret}, sock, processes, THREADS,
                        lambda: _announce(host, sock.getsockname()[1], echo))
    finally:
        sock.close()


def _cannot_listen(host: str, port: int) -> ServeError:
    return ServeError(f"kan ikke lytte på {host}:{port} (porten er optaget, eller adressen findes ikke)")


def _announce(host: str, port: int, echo: Callable[[str], None]) -> None:
    shown_host = f"[{host}]" if ":" in host else host
    echo(f"beredskab kører på http://{shown_host}:{port}/ – stop med Ctrl-C")
