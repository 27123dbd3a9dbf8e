"""Reset hook that sphinx-gallery calls before each example (named by string in conf.py)."""

import random

import numpy as np
import torch


def reset_seeds(gallery_conf, fname):
    """Give every example the same fresh random state, whatever ran before it."""
    random.seed(0)
    np.random.seed(0)  # noqa: NPY002 -- resets the legacy global state examples may touch
    torch.manual_seed(0)
