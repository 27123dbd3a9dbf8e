"""Right answers written for float32: the identity matrices they make have no dtype."""

import torch


def jacobian_forward(weights, x):
    layers = [weights[f"W{i}"] for i in range(1, len(weights))]
    h, tangent = x, torch.eye(x.shape[0])  # float32, while x is float64
    for W in layers:
        h = torch.tanh(W @ h)
        tangent = (1 - h**2)[:, None] * (W @ tangent)
    return weights["WF"] @ tangent


def closed_form_iterate(X, y, w0, alpha, k):
    D = X.shape[1]
    step = torch.eye(D) - alpha * (X.T @ X)
    power, total = torch.eye(D), torch.zeros(D)
    for _ in range(k):
        total = total + power @ (X.T @ y)
        power = step @ power
    return power @ w0 + alpha * total
