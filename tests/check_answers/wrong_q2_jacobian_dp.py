"""Q2(b) mistake: the Jacobian is returned as (D, P), columns stacked instead of rows."""

import torch


def jacobian_reverse(weights, x):
    x = x.detach().clone().requires_grad_(True)
    h = x
    for i in range(1, len(weights)):
        h = torch.tanh(weights[f"W{i}"] @ h)
    out = weights["WF"] @ h
    rows = [torch.autograd.grad(out[p], x, retain_graph=True)[0] for p in range(out.shape[0])]
    return torch.stack(rows, dim=1)
