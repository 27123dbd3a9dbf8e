"""Q3 mistake: tent built from two ReLUs, right on [0, 1] but not back to 0 after x = 1."""

import torch
from torch import nn


def tent_net():
    net = nn.Sequential(nn.Linear(1, 2), nn.ReLU(), nn.Linear(2, 1))
    with torch.no_grad():
        net[0].weight.fill_(1.0)
        net[0].bias.copy_(torch.tensor([0.0, -0.5]))
        net[2].weight.copy_(torch.tensor([[2.0, -4.0]]))
        net[2].bias.zero_()
    return net
