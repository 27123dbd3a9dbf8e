"""Q4 mistake: MLP(depth) builds depth hidden layers plus an extra input and output layer."""

import torch
from torch import nn


class MLP(nn.Module):
    def __init__(self, depth):
        super().__init__()
        layers = [nn.Linear(784, 50)]
        layers += [nn.Linear(50, 50) for _ in range(depth)]
        layers += [nn.Linear(50, 10)]
        self.layers = nn.ModuleList(layers)

    def forward(self, x):
        for layer in self.layers[:-1]:
            x = torch.tanh(layer(x))
        return self.layers[-1](x)
