"""A right answer in a file that ends with ``sys.exit(0)``, which ``python`` runs fine."""

import sys


def gradient(X, w, y):
    return X.T @ (X @ w - y)


sys.exit(0)
