"""Question 2(d): time the Jacobian methods, and measure how far each is from the limit.

Seven ways to get the Jacobian of the Question 2 network are timed side by side, each
first verified against :func:`torch.func.jacrev`. The package is split by job:

* :mod:`hw1.bench.methods`: the timed methods and their lean autograd baselines
  (:func:`~hw1.bench.methods.timed_call`), and the correctness pass
  (:func:`~hw1.bench.methods.verify_methods`);
* :mod:`hw1.bench.timing`: the timing harness, interleaved rounds of back-to-back calls
  (:func:`~hw1.bench.timing.time_methods`);
* :mod:`hw1.bench.limits`: the dispatch floor, the arithmetic rates and one layer op by
  op (:func:`~hw1.bench.limits.measure_limits`,
  :func:`~hw1.bench.limits.dispatched_ops`);
* :mod:`hw1.bench.config`: what one benchmark measures
  (:class:`~hw1.bench.config.BenchConfig`);
* :mod:`hw1.bench.benchmark`: the cases, the ``D`` sweep and the limits, run several
  times (:func:`~hw1.bench.benchmark.run_benchmark`), and the stored-or-live fallback
  (:func:`~hw1.bench.benchmark.load_or_measure`);
* :mod:`hw1.bench.results`: the results file, its schema, saving and loading
  (:func:`~hw1.bench.results.load_results`);
* :mod:`hw1.bench.tables`: the tables and summaries the example shows.

Run the full benchmark with ``python -m hw1.bench`` (or ``nox -s bench``;
``--help`` lists the options); it stores ``hw1/data_files/bench/<device>.json``.
"""

# The modules are not imported here: ``from hw1.bench import tables`` (or
# ``import hw1.bench.tables``) loads the one a reader needs, and each name has one home.
__all__ = ["benchmark", "config", "limits", "methods", "results", "tables", "timing"]
