"""Q2(c) mistake: the "forward" Jacobian built row by row with torch.autograd.grad."""

import torch


def jacobian_forward(weights, x):
    x = x.clone().requires_grad_(True)
    h = x
    for i in range(1, len(weights)):
        h = torch.tanh(weights[f"W{i}"] @ h)
    out = weights["WF"] @ h
    return torch.stack([torch.autograd.grad(o, x, retain_graph=True)[0] for o in out])
