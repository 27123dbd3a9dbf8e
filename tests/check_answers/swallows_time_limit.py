"""Answers that block the checker's time limit: one swallows it, one hangs deaf to it.

``gradient`` retries forever under ``except BaseException``, which also catches the
exception the time limit raises; ``closed_form_iterate`` blocks the alarm signal and
sleeps, as a hang inside C code would. ``minimizer``, checked between them, is right.
"""

import signal
import time

import torch


def gradient(X, w, y):
    while True:
        try:
            time.sleep(0.05)
        except BaseException:  # the mistake: this also swallows the time limit
            continue


def minimizer(X, y):
    return torch.linalg.pinv(X) @ y


def closed_form_iterate(X, y, w0, alpha, k):
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    time.sleep(3600)
