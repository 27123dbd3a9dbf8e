"""Q1(b) mistake: 1/N applied twice (once in dr, once more at the end)."""

import torch


def manual_gradients(params, X, y):
    W1, b1, w2, b2 = params["W1"], params["b1"], params["w2"], params["b2"]
    N = X.shape[0]
    a = torch.tanh(X @ W1.T + b1)
    dr = torch.tanh(a @ w2 + b2 - y) / N
    dz = torch.outer(dr, w2) * (1 - a**2)
    grads = {"W1": dz.T @ X, "b1": dz.sum(0), "w2": a.T @ dr, "b2": dr.sum(), "X": dz @ W1}
    return {k: v / N for k, v in grads.items()}
