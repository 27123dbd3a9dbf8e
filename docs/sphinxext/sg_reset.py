"""Reset hook that sphinx-gallery calls before each example (named by string in conf.py)."""

import random


def reset_seeds(gallery_conf, fname):
    """Give every example the same fresh random state, whatever ran before it."""
    # Imported here, not at the top: sphinx-gallery imports this module on every build,
    # and an unchanged rebuild that runs no example need not load PyTorch (2 s).
    import numpy as np
    import torch

    random.seed(0)
    np.random.seed(0)  # noqa: NPY002 -- resets the legacy global state examples may touch
    torch.manual_seed(0)
