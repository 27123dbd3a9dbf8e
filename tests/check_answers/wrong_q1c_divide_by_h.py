"""Q1(c) mistake: central difference divided by h instead of 2h."""

import torch


def numerical_gradient(f, t, eps=1e-6):
    grad = torch.zeros_like(t)
    for i in range(t.numel()):
        step = torch.zeros_like(t).view(-1)
        step[i] = eps
        step = step.view_as(t)
        grad.view(-1)[i] = (f(t + step) - f(t - step)) / eps
    return grad
