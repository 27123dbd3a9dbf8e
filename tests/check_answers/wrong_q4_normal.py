"""Q4 mistake: weights drawn from N(0, d^2) instead of U(-d, d)."""

from torch import nn


def init_uniform_(model, d):
    for m in model.modules():
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, 0.0, d)
            nn.init.zeros_(m.bias)
    return model
