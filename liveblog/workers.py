"""The app a ``serve --workers N`` worker builds, and the worker's tie to its supervisor.

uvicorn's supervisor starts each worker with multiprocessing's *spawn*, which leaves the worker holding
the read end of a pipe whose write end only the supervisor has: the pipe reaches end-of-file the moment
the supervisor dies, however it dies (even SIGKILL, which it cannot catch to stop its workers). A worker
that outlived its supervisor would go on serving and polling the database, unsupervised and unrestartable,
so each worker waits on that pipe and stops itself as uvicorn stops on SIGTERM: it finishes what it holds.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from typing import Any

from .config import load_settings


def app_from_env() -> Any:
    """The ASGI app of one worker (uvicorn's factory), from the LIVEBLOG_* variables ``cmd_serve`` exported."""
    from .app import create_app

    follow_supervisor()
    return create_app(load_settings())


def follow_supervisor() -> threading.Thread | None:
    """In a spawned worker, a thread that sends this process SIGTERM when its supervisor is gone.

    Does nothing in a process that no multiprocessing parent started (``serve`` with one worker runs the app
    in its own process, whose parent is a shell or an init system it must outlive)."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return None

    def watch() -> None:
        parent.join()  # returns when the supervisor's end of the pipe closes: it has exited
        os.kill(os.getpid(), signal.SIGTERM)

    thread = threading.Thread(target=watch, name="follow-supervisor", daemon=True)
    thread.start()
    return thread
