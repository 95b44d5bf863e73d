"""Maximum likelihood over log-parameters, with a fit that fails loudly instead of quietly."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from customers.errors import FitError

if TYPE_CHECKING:
    import numpy as np

# Log-parameters are kept in [-LOG_BOUND, LOG_BOUND]. A fit that ends within DEGENERATE of a
# bound (a parameter below e^-10 or above e^10, about 22,000) has a parameter running off to 0 or
# infinity: the maximum is at the edge of the model, and the numbers mean nothing.
LOG_BOUND = 12.0
DEGENERATE = 2.0


def maximise(
    log_likelihood: Callable[[np.ndarray], float],
    start: np.ndarray,
    *,
    names: tuple[str, ...],
    model: str,
    max_iterations: int = 2000,
) -> tuple[np.ndarray, float, int]:
    """Maximise ``log_likelihood(log_params)``; return the parameters, the maximum and the
    number of iterations.

    L-BFGS-B from ``start``, then Nelder-Mead from where it stopped, and L-BFGS-B again, if it
    did not converge (a flat likelihood can stop L-BFGS-B's line search early).

    Raises
    ------
    FitError
        Neither converged, the likelihood is not finite, or a parameter ended on its bound.
    """
    import numpy as np
    from scipy.optimize import minimize

    def objective(theta: np.ndarray) -> float:
        value = log_likelihood(theta)
        return -value if np.isfinite(value) else 1e300

    bounds = [(-LOG_BOUND, LOG_BOUND)] * len(start)
    result = minimize(objective, start, method="L-BFGS-B", bounds=bounds,
                      options={"maxiter": max_iterations})
    iterations = int(result.nit)
    if not result.success:
        polish = minimize(objective, result.x, method="Nelder-Mead",
                          options={"maxiter": max_iterations * 2, "xatol": 1e-8, "fatol": 1e-10})
        result = minimize(objective, polish.x, method="L-BFGS-B", bounds=bounds,
                          options={"maxiter": max_iterations})
        iterations += int(polish.nit) + int(result.nit)
    shown = ", ".join(f"{n}={v:.4g}" for n, v in zip(names, np.exp(result.x)))
    if not result.success or not np.isfinite(result.fun) or result.fun >= 1e300:
        raise FitError(
            f"the {model} fit did not converge",
            where=f"{result.message}; last parameters {shown}",
            fix="Check the summary (time unit, enough repeat purchases) or fit on more customers",
        )
    on_bound = [n for n, v in zip(names, result.x) if abs(v) >= LOG_BOUND - DEGENERATE]
    if on_bound:
        raise FitError(
            f"the {model} fit ran off to a degenerate point: {', '.join(on_bound)} beyond "
            f"e^±{LOG_BOUND - DEGENERATE:g}",
            where=shown,
            fix="The data cannot identify the model: too few repeat purchases, or a time unit "
            "far too small or large (use `period=`)",
        )
    return np.exp(result.x), float(-result.fun), iterations
