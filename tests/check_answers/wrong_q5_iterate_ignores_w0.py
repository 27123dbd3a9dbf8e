"""Q5(c) mistake: the closed form of the iterate that forgets the start w0."""

import torch


def closed_form_iterate(X, y, w0, alpha, k):
    step = torch.eye(X.shape[1], dtype=X.dtype) - alpha * (X.T @ X)
    power, total = torch.eye(X.shape[1], dtype=X.dtype), torch.zeros_like(w0)
    for _ in range(k):
        total = total + power @ (X.T @ y)
        power = step @ power
    return alpha * total
