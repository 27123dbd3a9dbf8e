"""Q5(c) mistake: the iteration matrix I - alpha X^T X written with a plus sign."""

import torch


def closed_form_iterate(X, y, w0, alpha, k):
    step = torch.eye(X.shape[1], dtype=X.dtype) + alpha * (X.T @ X)
    power, total = torch.eye(X.shape[1], dtype=X.dtype), torch.zeros_like(w0)
    for _ in range(k):
        total = total + power @ (X.T @ y)
        power = step @ power
    return power @ w0 + alpha * total
