"""What one benchmark measures: sizes, cases and timing settings in one frozen object.

:class:`BenchConfig` holds everything :func:`hw1.bench.benchmark.run_benchmark` passes
on to the cases, the ``D`` sweep and the limit measurements, so that each of them takes
the one configuration instead of a dozen keyword arguments. :data:`QUICK` is the smoke
test of ``python -m hw1.bench --quick``; :data:`LIVE` the short live run shown when no
stored result can be found (:func:`hw1.bench.benchmark.load_or_measure`).

Non-finite entries are rejected: a NaN or inf ``min_run_time`` raises ValueError, as
does a budget above :data:`hw1.bench.timing.MAX_RUN_TIME`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import torch

from hw1._validation import (
    check_floating_dtype,
    check_positive_int,
    check_real,
    check_seed,
)
from hw1.bench.timing import MAX_RUN_TIME

__all__ = ["LIVE", "QUICK", "BenchConfig", "check_config"]


def _sequence(values: object, name: str, *, empty: bool) -> Sequence:
    if isinstance(values, str | bytes) or not isinstance(values, Sequence):
        raise TypeError(f"{name} must be a sequence, got {type(values).__name__}")
    if not values and not empty:
        raise ValueError(f"{name} is empty; expected at least one value")
    return values


def _positive_ints(values: object, name: str, *, empty: bool) -> tuple[int, ...]:
    values = _sequence(values, name, empty=empty)
    return tuple(check_positive_int(v, f"{name}[{i}]") for i, v in enumerate(values))


@dataclasses.dataclass(frozen=True)
class BenchConfig:
    """Sizes, cases and timing settings of one benchmark (validated when made).

    Parameters
    ----------
    runs : int
        How many times the whole grid is timed; each run keeps its median per case.
    Ls : sequence of int
        Depths (numbers of tanh layers) of the cases.
    batches : sequence of int or None
        ``None`` times one input of shape ``(D,)``; an int ``N`` a batch ``(N, D)``.
    sweep_Ds : sequence of int
        Input sizes of the forward/reverse sweep; empty skips it.
    D, K, P : int
        Network sizes of the cases.
    sweep_L, sweep_N : int
        Depth and batch of the sweep.
    big : int
        Size of the large reference product, ``big x big`` by ``big x big``.
    dtype : torch.dtype
        Floating dtype of weights and inputs.
    min_run_time : float
        Seconds of timing per measurement and run (see
        :func:`hw1.bench.timing.time_methods`), at most
        :data:`~hw1.bench.timing.MAX_RUN_TIME`.
    rounds : int
        Interleaved turns per measurement and run.
    num_threads : int
        Torch intra-op threads while timing.
    seed : int
        Seed of the weights and inputs, ``0 <= seed < 2**63``.

    Raises
    ------
    TypeError, ValueError
        Naming the field that is of the wrong type or out of range.
    """

    runs: int = 5
    Ls: Sequence[int] = (3, 5, 10)
    batches: Sequence[int | None] = (None, 1024)
    sweep_Ds: Sequence[int] = (1, 2, 4, 8, 10, 12, 16, 32)
    D: int = 2
    K: int = 30
    P: int = 10
    sweep_L: int = 3
    sweep_N: int = 1024
    big: int = 1024
    dtype: torch.dtype = torch.float32
    min_run_time: float = 0.2
    rounds: int = 4
    num_threads: int = 1
    seed: int = 0

    def __post_init__(self) -> None:
        """Validate every field; store the sequences as tuples."""
        fields = {
            name: check_positive_int(getattr(self, name), name)
            for name in ("runs", "D", "K", "P", "sweep_L", "sweep_N", "big", "rounds")
        }
        fields["num_threads"] = check_positive_int(self.num_threads, "num_threads")
        fields["seed"] = check_seed(self.seed, "seed")
        fields["min_run_time"] = check_real(
            self.min_run_time, "min_run_time", low=0, high=MAX_RUN_TIME, low_open=True
        )
        check_floating_dtype(self.dtype, "dtype")
        fields["Ls"] = _positive_ints(self.Ls, "Ls", empty=False)
        fields["sweep_Ds"] = _positive_ints(self.sweep_Ds, "sweep_Ds", empty=True)
        batches = _sequence(self.batches, "batches", empty=False)
        fields["batches"] = tuple(
            None if N is None else check_positive_int(N, f"batches[{i}]")
            for i, N in enumerate(batches)
        )
        for name, value in fields.items():
            object.__setattr__(self, name, value)  # frozen: the checked values once

    @property
    def limits_L(self) -> int:
        """The depth of the limit measurements: the largest of ``Ls``."""
        return max(self.Ls)

    @property
    def limits_N(self) -> int:
        """The batch of the limit measurements: the largest batch, else ``sweep_N``."""
        return max((N for N in self.batches if N is not None), default=self.sweep_N)

    def to_json(self) -> dict[str, object]:
        """Return the sizes and settings as stored in a result's ``"config"``.

        The keys are those of the stored files (schema 2): ``sweep_Ds`` and
        ``limits_L`` / ``limits_N`` included, the dtype and threads left to the
        provenance.
        """
        return {
            "D": self.D,
            "K": self.K,
            "P": self.P,
            "Ls": list(self.Ls),
            "batches": list(self.batches),
            "sweep_Ds": list(self.sweep_Ds),
            "sweep_L": self.sweep_L,
            "sweep_N": self.sweep_N,
            "big": self.big,
            "limits_L": self.limits_L,
            "limits_N": self.limits_N,
            "runs": self.runs,
            "min_run_time": self.min_run_time,
            "rounds": self.rounds,
        }


def check_config(config: object, name: str = "config") -> BenchConfig:
    """Return ``config`` if it is a :class:`BenchConfig`; ``None`` gives the defaults.

    Raises
    ------
    TypeError
        If ``config`` is neither a :class:`BenchConfig` nor ``None``.
    """
    if config is None:
        return BenchConfig()
    if not isinstance(config, BenchConfig):
        raise TypeError(f"{name} must be a BenchConfig or None, got {type(config).__name__}")
    return config


#: A smoke test of a few seconds (``python -m hw1.bench --quick``).
QUICK = BenchConfig(
    runs=2,
    Ls=(1,),
    batches=(None, 4),
    sweep_Ds=(1, 2),
    sweep_N=4,
    big=64,
    min_run_time=1e-3,
    rounds=1,
)
#: The grid of the stored results, timed briefly: what is shown when none is stored.
LIVE = BenchConfig(runs=2, big=256, min_run_time=0.005, rounds=1)
