"""Q3 mistake: soft thresholding as relu(x - s) only, missing the negative side."""

import torch
from torch import nn


def soft_threshold_net(s):
    net = nn.Sequential(nn.Linear(1, 1), nn.ReLU(), nn.Linear(1, 1))
    with torch.no_grad():
        net[0].weight.fill_(1.0)
        net[0].bias.fill_(-s)
        net[2].weight.fill_(1.0)
        net[2].bias.zero_()
    return net
