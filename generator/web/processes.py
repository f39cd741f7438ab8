"""Several server processes on one listening socket, for a machine with more than one core.

One Python process runs one request's Python at a time (the GIL): however many threads waitress
has, a busy server uses one core. ``serve --processes N`` binds the address once and starts N
processes that each run the app on waitress with that socket; the operating system hands each
new connection to one of them. What they share lives in the register file, made for several
writers from the start: cases and versions, the access log, the session secret (a cookie made by
one process is valid in the others, and after a restart) and the login limit's count. Their
writes queue on one lock of this process tree (the app's ``WRITE_LOCK``), as the threads of one
process do, instead of meeting in SQLite's busy handler, which sleeps in growing steps.

The processes are started with ``spawn`` (the same on Linux and Windows: a fresh interpreter
that imports the app, no forked threads or connections) and end with this one: they ignore
Ctrl-C, which this process handles, and each watches a pipe from this process, whose end closes
when it dies however it dies, so no orphan keeps the port.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import threading
from multiprocessing.connection import wait
from typing import Callable

from ..errors import BeredskabError, ServeError

#: What a process sends when its app is ready to serve.
READY = "klar"

#: Seconds a process is given to stop when the server stops.
STOP_S = 5.0


def listening_socket(host: str, port: int, backlog: int = 1024) -> socket.socket:
    """The bound, listening socket the processes share (the first address ``host`` resolves to)."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                         flags=socket.AI_PASSIVE)[0]
    sock = socket.socket(family, kind, proto)
    try:
        if os.name != "nt":  # on Windows SO_REUSEADDR would let another program take the port
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(backlog)
    except OSError:
        sock.close()
        raise
    return sock


def serve_processes(config: dict, sock: socket.socket, processes: int, threads: int, announce: Callable[[], None]
                    ) -> None:
    """Run the app in ``processes`` processes on ``sock`` until Ctrl-C (or one of them ends)."""
    context = multiprocessing.get_context("spawn")
    lock = context.Lock()
    children = []
    # A child is a new interpreter: it logs waitress's queue as this process was told to.
    queue_level = logging.getLogger("waitress.queue").getEffectiveLevel()
    stop_on_term = signal.signal(signal.SIGTERM, _stop)  # `kill`: stop the children, then end
    try:
        for number in range(processes):
            ready_in, ready_out = context.Pipe(duplex=False)  # the child says when it is ready
            life_in, life_out = context.Pipe(duplex=False)    # closes when this process ends
            child = context.Process(target=_run_child,
                                    args=(config, sock, threads, lock, ready_out, life_in, queue_level),
                                    name=f"beredskab-serve-{number + 1}", daemon=True)
            child.start()
            ready_out.close()
            life_in.close()
            children.append((child, ready_in, life_out))
        for _, ready_in, _ in children:
            message = _receive(ready_in)
            if message != READY:
                raise ServeError(message)
        announce()
        wait([child.sentinel for child, _, _ in children])  # until one ends (it should not) or Ctrl-C
        raise ServeError("en af webformularens processer stoppede uventet; start beredskab serve igen")
    finally:
        signal.signal(signal.SIGTERM, stop_on_term)
        for child, _, _ in children:
            if child.is_alive():
                child.terminate()
        for child, ready_in, life_out in children:
            child.join(STOP_S)
            ready_in.close()
            life_out.close()


def _stop(_signal, _frame) -> None:
    raise SystemExit(0)


def _receive(connection) -> str:
    try:
        return str(connection.recv())
    except (EOFError, OSError):
        return "en af webformularens processer stoppede under start"


def _run_child(config: dict, sock: socket.socket, threads: int, lock, parent, life, queue_level: int) -> None:
    """One server process: the app on waitress, on the shared socket, until the parent ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the parent stops us
    logging.getLogger("waitress.queue").setLevel(queue_level)
    threading.Thread(target=_end_with, args=(life,), daemon=True).start()
    from waitress import create_server

    from . import create_app

    try:
        app = create_app({**config, "WRITE_LOCK": lock})
        server = create_server(app, sockets=[sock], threads=threads, ident="beredskab")
    except BeredskabError as err:
        parent.send("; ".join(err.lines()))
        return
    except Exception as err:  # never the text: it may name a path or a value
        parent.send(f"webformularen kunne ikke starte ({type(err).__name__})")
        return
    parent.send(READY)
    server.run()


def _end_with(life) -> None:
    """Block on the parent's pipe; when its end closes (the parent is gone), end this process."""
    try:
        while True:
            life.recv()
    except (EOFError, OSError):
        pass
    os._exit(0)
