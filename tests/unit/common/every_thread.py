"""Runs, in a Python process of its own, a call meant for every thread of the process, made
while another thread already runs; and reads what it set in the main thread, in that thread and
in a thread started after the call."""

import subprocess
import sys

_PROGRAM = """
import os, sys, threading
{imports}
def read():
    return {read}
started, done = threading.Event(), threading.Event()
seen = {{}}
def before():
    started.set()
    done.wait()
    seen["before"] = read()
thread = threading.Thread(target=before)
thread.start()
started.wait()
result = {call}
later = threading.Thread(target=lambda: seen.__setitem__("after", read()))
later.start(); later.join()
done.set(); thread.join()
print(result, read(), seen["before"], seen["after"], sep="|")
"""


def called_beside_threads(imports: str, call: str, read: str, *args: str) -> tuple[str, list[str]]:
    """(what `call` returned, what `read` gave in the main thread, the thread already running
    and the later one); `args` are the program's `sys.argv[1:]`."""
    program = _PROGRAM.format(imports=imports, call=call, read=read)
    output = subprocess.run(
        [sys.executable, "-c", program, *args], capture_output=True, text=True, check=True
    ).stdout.strip()
    result, *readings = output.split("|")
    return result, readings
