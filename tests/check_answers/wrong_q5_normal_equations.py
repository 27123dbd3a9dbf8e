"""Q5 mistake: (X^T X)^-1 X^T y, which does not exist for a wide or rank-deficient X."""

import torch


def minimizer(X, y):
    return torch.linalg.inv(X.T @ X) @ X.T @ y
