"""``python -m hw1.bench``: run the benchmark and store its results as JSON.

``--help`` lists the options; ``--quick`` is a smoke test of a few seconds. The
results go to ``hw1/data_files/bench/<device>.json`` unless ``--out-dir`` says
otherwise, and a summary of the tables is printed.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import torch

from hw1.bench import tables
from hw1.bench.benchmark import run_benchmark
from hw1.bench.config import QUICK, BenchConfig
from hw1.bench.results import RESULTS_DIR, describe, results_path, save_results
from hw1.bench.timing import DEVICES, check_device
from hw1.report import table

_DTYPES = {"float32": torch.float32, "float64": torch.float64}


def _int_list(text: str) -> list[int]:
    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        message = f"expected comma-separated integers, got {text!r}"
        raise argparse.ArgumentTypeError(message) from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"expected positive integers, got {text!r}")
    return values


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m hw1.bench",
        description="Benchmark the Question 2 Jacobian methods, several runs of the whole "
        "grid, and store the results as JSON (hw1/data_files/bench/<device>.json).",
    )
    p.add_argument(
        "--device",
        choices=(*DEVICES, "all"),
        default="all",
        help="where to run; 'all' (default) means the CPU, plus CUDA if present",
    )
    p.add_argument("--runs", type=int, default=5, help="runs of the whole grid (default 5)")
    p.add_argument(
        "--min-run-time",
        type=float,
        default=0.2,
        help="seconds of timing per measurement and run (default 0.2)",
    )
    p.add_argument(
        "--rounds",
        type=int,
        default=4,
        help="interleaved turns per measurement and run (default 4)",
    )
    p.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    p.add_argument("--dtype", choices=sorted(_DTYPES), default="float32")
    p.add_argument("--L", type=_int_list, default=[3, 5, 10], help="depths, e.g. 3,5,10")
    p.add_argument("--batch", type=int, default=1024, help="batch size N (default 1024)")
    p.add_argument(
        "--sweep-D",
        type=_int_list,
        default=[1, 2, 4, 8, 10, 12, 16, 32],
        help="input sizes D of the forward/reverse sweep",
    )
    p.add_argument("--no-sweep", action="store_true", help="skip the D sweep")
    p.add_argument(
        "--big",
        type=int,
        default=1024,
        help="size of the large reference product, big^3 (default 1024)",
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help="a smoke test of a few seconds: 2 runs, 1 ms per measurement, L=1, "
        "N=4, D sweep 1,2, a 64^3 reference product (overrides those options)",
    )
    p.add_argument(
        "--out-dir",
        type=Path,
        default=RESULTS_DIR,
        help="where to write <device>.json (default: inside the package)",
    )
    return p


def _config_from_args(args: argparse.Namespace) -> BenchConfig:
    """Return the :class:`~hw1.bench.config.BenchConfig` the parsed options ask for.

    ``--quick`` starts from :data:`~hw1.bench.config.QUICK` and keeps only ``--threads``
    and ``--dtype``; otherwise every option maps to one field.
    """
    chosen = {"num_threads": args.threads, "dtype": _DTYPES[args.dtype]}
    if args.quick:
        return dataclasses.replace(QUICK, **chosen)
    return BenchConfig(
        runs=args.runs,
        Ls=args.L,
        batches=(None, args.batch),
        sweep_Ds=[] if args.no_sweep else args.sweep_D,
        sweep_N=args.batch,
        big=args.big,
        min_run_time=args.min_run_time,
        rounds=args.rounds,
        **chosen,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``python -m hw1.bench [options]``; ``--help`` lists the options."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        config = _config_from_args(args)
    except (TypeError, ValueError) as err:
        parser.error(str(err))
    if args.device == "all":
        devices = ["cpu", "cuda"] if torch.cuda.is_available() else ["cpu"]
    else:
        try:
            devices = [check_device(args.device)]
        except ValueError as err:  # CUDA asked for where there is none
            parser.error(str(err))
    if "cuda" not in devices:
        print("No CUDA device is available: only the CPU is benchmarked.")
    for device in devices:
        doc = run_benchmark(device, config, progress=functools.partial(print, flush=True))
        path = save_results(doc, results_path(device, args.out_dir))
        print(f"\n{describe(doc)}")
        _print_summary(doc)
        print(f"Wrote {path}")
    return 0


def _print_summary(doc: Mapping) -> None:
    print(table(tables.speed_ratios(doc["cases"]), formats=".3g").to_string())
    print(table(tables.floor_table(doc), formats=".3g").to_string())
    print(table(tables.gflops_table(doc), formats=".3g").to_string())
    print(table(tables.layer_table(doc), formats=".3g").to_string())
    if doc["sweep"]:
        cfg = doc["config"]
        sizes = {"K": cfg["K"], "P": cfg["P"], "L": cfg["sweep_L"]}
        print(table(tables.sweep_table(doc["sweep"], **sizes), formats=".3g").to_string())
        for name, where in tables.sweep_crossovers(doc["sweep"], **sizes).items():
            found = (
                "not reached"
                if where["median"] is None
                else tables.format_range(where["median"], where["min"], where["max"])
            )
            print(f"forward/reverse crossover, {name}: D = {found}")


if __name__ == "__main__":
    sys.exit(main())
