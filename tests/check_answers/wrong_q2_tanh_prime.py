"""Q2(c) mistake: tangents pushed through tanh with 1 - tanh instead of 1 - tanh^2."""

import torch


def jacobian_forward(weights, x):
    h = x
    T = torch.eye(x.shape[0], dtype=x.dtype)
    for i in range(1, len(weights)):
        W = weights[f"W{i}"]
        h = torch.tanh(W @ h)
        T = (1 - h)[:, None] * (W @ T)
    return weights["WF"] @ T
