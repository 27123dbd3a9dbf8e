"""A file that writes its process id where the test asks, then never finishes loading.

It ignores SIGTERM and SIGINT, so only a SIGKILL of its process group stops it.
"""

import os
import signal
import time
from pathlib import Path

signal.signal(signal.SIGTERM, signal.SIG_IGN)
signal.signal(signal.SIGINT, signal.SIG_IGN)

pid_file = os.environ.get("HW1_CHECK_TEST_PID_FILE")
if pid_file:
    Path(pid_file + ".part").write_text(str(os.getpid()))
    os.replace(pid_file + ".part", pid_file)  # appears whole


def gradient(X, w, y):
    return X.T @ (X @ w - y)


while True:
    time.sleep(0.1)
