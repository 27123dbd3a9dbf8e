"""Q4 mistake: weights re-drawn but biases left as PyTorch initialised them."""

from torch import nn


def init_uniform_(model, d):
    for m in model.modules():
        if isinstance(m, nn.Linear):
            nn.init.uniform_(m.weight, -d, d)
            nn.init.uniform_(m.bias, -d, d)
    return model
