"""A file that switches off the alarm signal and then never finishes loading."""

import signal

signal.signal(signal.SIGALRM, signal.SIG_IGN)
signal.setitimer = lambda *args: None  # also disarm any later timer


def gradient(X, w, y):
    return X.T @ (X @ w - y)


while True:
    pass
