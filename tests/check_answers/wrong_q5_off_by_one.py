"""Q5 mistake: the sum runs to k instead of k - 1 and the power is k + 1: w_{k+1}."""

import torch


def closed_form_iterate(X, y, w0, alpha, k):
    D = X.shape[1]
    M = torch.eye(D, dtype=X.dtype) - alpha * X.T @ X
    w = torch.linalg.matrix_power(M, k + 1) @ w0
    total = torch.zeros(D, D, dtype=X.dtype)
    for j in range(k + 1):
        total = total + torch.linalg.matrix_power(M, j)
    return w + alpha * total @ X.T @ y
