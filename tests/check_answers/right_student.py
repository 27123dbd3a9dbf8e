"""Right answers written from scratch, the way a student would write them."""

import itertools
import math

import torch
from torch import nn


def manual_gradients(params, X, y):
    W1, b1, w2, b2 = params["W1"], params["b1"], params["w2"], params["b2"]
    N = X.shape[0]
    a = torch.tanh(X @ W1.T + b1)
    r = a @ w2 + b2 - y
    dr = torch.tanh(r) / N
    dz = torch.outer(dr, w2) * (1 - a**2)
    return {"W1": dz.T @ X, "b1": dz.sum(0), "w2": a.T @ dr, "b2": dr.sum(), "X": dz @ W1}


def numerical_gradient(f, t, eps=1e-6):
    grad = torch.zeros_like(t)
    flat_t, flat_g = t.view(-1), grad.view(-1)
    for i in range(flat_t.numel()):
        old = flat_t[i].item()
        flat_t[i] = old + eps
        up = float(f(t))
        flat_t[i] = old - eps
        down = float(f(t))
        flat_t[i] = old
        flat_g[i] = (up - down) / (2 * eps)
    return grad


def _forward(weights, x):
    L = len(weights) - 1
    h = x
    for i in range(1, L + 1):
        h = torch.tanh(weights[f"W{i}"] @ h)
    return weights["WF"] @ h


def jacobian_reverse(weights, x):
    x = x.detach().clone().requires_grad_(True)
    out = _forward(weights, x)
    rows = [torch.autograd.grad(out[p], x, retain_graph=True)[0] for p in range(out.shape[0])]
    return torch.stack(rows)


def jacobian_forward(weights, x):
    L = len(weights) - 1
    h = x
    T = torch.eye(x.shape[0], dtype=x.dtype)  # dh/dx
    for i in range(1, L + 1):
        W = weights[f"W{i}"]
        h = torch.tanh(W @ h)
        T = (1 - h**2)[:, None] * (W @ T)
    return weights["WF"] @ T


def xnor_net():
    net = nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1))
    with torch.no_grad():
        net[0].weight.copy_(torch.tensor([[1.0, -1.0], [-1.0, 1.0]]))
        net[0].bias.zero_()
        net[2].weight.copy_(torch.tensor([[-1.0, -1.0]]))
        net[2].bias.fill_(1.0)
    return net


def tent_net():
    net = nn.Sequential(nn.Linear(1, 3), nn.ReLU(), nn.Linear(3, 1))
    with torch.no_grad():
        net[0].weight.fill_(1.0)
        net[0].bias.copy_(torch.tensor([0.0, -0.5, -1.0]))
        net[2].weight.copy_(torch.tensor([[2.0, -4.0, 2.0]]))
        net[2].bias.zero_()
    return net


def soft_threshold_net(s):
    net = nn.Sequential(nn.Linear(1, 2), nn.ReLU(), nn.Linear(2, 1))
    with torch.no_grad():
        net[0].weight.copy_(torch.tensor([[1.0], [-1.0]]))
        net[0].bias.fill_(-s)
        net[2].weight.copy_(torch.tensor([[1.0, -1.0]]))
        net[2].bias.zero_()
    return net


class my_model(nn.Module):
    """depth = number of hidden layers."""

    def __init__(self, depth):
        super().__init__()
        sizes = [784] + [50] * depth
        self.hidden = nn.ModuleList(nn.Linear(a, b) for a, b in itertools.pairwise(sizes))
        self.out = nn.Linear(50, 10)

    def forward(self, x):
        for layer in self.hidden:
            x = torch.tanh(layer(x))
        return self.out(x)


def init_uniform_(model, d):
    for m in model.modules():
        if isinstance(m, nn.Linear):
            bound = math.sqrt(6 / (m.in_features + m.out_features)) if d == "xavier" else d
            nn.init.uniform_(m.weight, -bound, bound)
            nn.init.zeros_(m.bias)
    return model


def gradient(X, w, y):
    return X.T @ (X @ w - y)


def minimizer(X, y):
    return torch.linalg.pinv(X) @ y


def closed_form_iterate(X, y, w0, alpha, k):
    D = X.shape[1]
    M = torch.eye(D, dtype=X.dtype) - alpha * X.T @ X
    w = torch.linalg.matrix_power(M, k) @ w0
    total = torch.zeros(D, D, dtype=X.dtype)
    for j in range(k):
        total = total + torch.linalg.matrix_power(M, j)
    return w + alpha * total @ X.T @ y
