"""A file whose top-level code fails before any answer is defined."""

import torch

data = torch.load("my_saved_weights.pt")  # a file only the author has


def gradient(X, w, y):
    return X.T @ (X @ w - y)
