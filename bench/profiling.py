"""Optional sampling of the registry process with py-spy while a benchmark measures."""

import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def py_spy() -> str | None:
    beside_python = Path(sys.executable).parent / "py-spy"
    return str(beside_python) if beside_python.exists() else shutil.which("py-spy")


@contextmanager
def sampled(pid: int, directory: str | None, label: str) -> Iterator[None]:
    """Records collapsed stacks of `pid` into `directory`/`label`.txt while the block runs."""
    if not directory:
        yield
        return
    executable = py_spy()
    if executable is None:
        raise RuntimeError("--profile needs py-spy (a dev dependency): make .venv/.installed")
    output = Path(directory) / f"{label}.txt"
    output.parent.mkdir(parents=True, exist_ok=True)
    command = [executable, "record", "--pid", str(pid), "--format", "raw", "--output", str(output)]
    recorder = subprocess.Popen([*command, "--rate", "100", "--nonblocking"])
    try:
        yield
    finally:
        recorder.send_signal(signal.SIGINT)
        recorder.wait()
        print(f"{label}: profile written to {output}", flush=True)
