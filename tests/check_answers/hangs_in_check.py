"""A right gradient next to a minimiser that iterates forever."""

import torch


def gradient(X, w, y):
    return X.T @ (X @ w - y)


def minimizer(X, y):
    w = torch.zeros(X.shape[1], dtype=X.dtype)
    while True:  # "until converged", but the test never passes
        w = w - 1e-3 * gradient(X, w, y)
