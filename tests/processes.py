"""Ending the server and cluster processes that tests start, whatever state they are in."""

from __future__ import annotations

import subprocess


def stop(process: subprocess.Popen[bytes], timeout: float) -> None:
    """Ask `process` to end (SIGTERM), and kill it if it has not within `timeout` seconds:
    a test must never leave a server behind, even one that hangs on shutdown."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
