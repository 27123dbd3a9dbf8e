"""Q4 mistake: Xavier's bound from the fan-in only, written sqrt(3 / n_in)."""

import math

from torch import nn


def init_uniform_(model, d):
    for m in model.modules():
        if isinstance(m, nn.Linear):
            bound = math.sqrt(3 / m.in_features) if d == "xavier" else d
            nn.init.uniform_(m.weight, -bound, bound)
            nn.init.zeros_(m.bias)
    return model
