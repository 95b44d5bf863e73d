"""Who buys: customer-base models on purchase histories (loyalty ids, card ids).

From transactions (customer, timestamp, optional amount) to one row per customer
(:func:`summarise`: repeat purchases, recency, age and mean repeat spend), to models of how many
more purchases each customer will make and whether they are still a customer at all:

- :class:`BetaGeoModel`: the BG/NBD model (Fader, Hardie and Lee 2005) of purchases and
  drop-out, with ``p_alive``, ``expected_purchases`` and ``expected_purchases_new``
- :class:`GammaGammaModel`: the Gamma-Gamma model of spend per purchase (Fader, Hardie and Lee
  2005b), with ``expected_spend``
- :func:`lifecycle`: per customer P(alive), expected purchases and spend in the next periods,
  and whether the customer has lapsed (P(alive) below :data:`LAPSED_BELOW`)
- :func:`holdout_check`: fit on a calibration period, compare predicted and actual purchases in
  the holdout that follows
- :func:`simulate_customers` and :func:`simulate_transactions`: BG/NBD customers with known
  parameters, to test and time the models
- :func:`nps`: the Net Promoter Score of survey answers, overall and per group, with its
  standard error (finite-population corrected) and interval
- :func:`sample_size` and :func:`draw_survey_sample`: how many customers to survey for a margin
  of error, and a seeded (stratified) random sample of whom
- :func:`profiles`: visits to one row of habits per customer (recency, visits, spend, stores,
  weekday, hour and category shares); :func:`rfm` quintile scores; :func:`segment`: RFM and
  k-means segments described in words; :func:`base_by_year`: the active base year by year;
  :func:`compare_groups`: how the customers of two stores or channels differ, with intervals
- :func:`next_visits`: regulars (visits on one weekday and hour) and their next likely visit
- :func:`next_purchases`, :func:`survey_nps` and :func:`customer_segments`: one call each for
  ``kori customers next``, ``kori customers nps`` and ``kori customers segments`` (visits to
  outlook; answers and the register to the NPS; visits to RFM, segments and the base by year)
- :func:`customer_report`: segments, lifecycle, the holdout check and the NPS on one
  self-contained HTML page with charts, for ``kori customers report``
- :func:`check_register`: the register's health check (missing and invalid fields, duplicates,
  stale records, consents, GDPR retention) with a score, for
  ``kori customers register check``
- :func:`find_duplicates`: likely duplicate people in a customer register with their match
  probability (splink, unsupervised Fellegi-Sunter on DuckDB), as :class:`Duplicates`
- :func:`pseudonymise` and :func:`load_secret`: ids replaced by keyed hashes (HMAC-SHA256) and
  personal fields dropped, for ``kori customers register pseudonymise``

Everything is loaded on first use so that ``import customers`` stays light. The submodules are
internal: their names and signatures may change between releases.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from customers.errors import (
    CustomerError,
    FitError,
    NotFittedError,
    ParameterError,
    SchemaError,
    TooFewCustomersError,
)

if TYPE_CHECKING:
    from customers.bgnbd import BetaGeoModel
    from customers.commands import customer_segments, next_purchases, survey_nps
    from customers.compare import compare_groups
    from customers.gammagamma import GammaGammaModel
    from customers.habits import next_visits
    from customers.holdout import holdout_check
    from customers.linkage import Duplicates, find_duplicates
    from customers.net_promoter import nps, sample_size
    from customers.outlook import LAPSED_BELOW, lifecycle
    from customers.profiling import profiles
    from customers.pseudonym import Pseudonymised, load_secret, pseudonymise
    from customers.register_check import RegisterCheck, check_register
    from customers.report import customer_report
    from customers.segments import Segmentation, base_by_year, rfm, segment
    from customers.simulate import simulate_customers, simulate_transactions
    from customers.summary import summarise
    from customers.survey_sample import draw_survey_sample

# Exported name -> (module, name in it).
_LAZY = {
    "summarise": ("customers.summary", "summarise"),
    "BetaGeoModel": ("customers.bgnbd", "BetaGeoModel"),
    "GammaGammaModel": ("customers.gammagamma", "GammaGammaModel"),
    "lifecycle": ("customers.outlook", "lifecycle"),
    "LAPSED_BELOW": ("customers.outlook", "LAPSED_BELOW"),
    "holdout_check": ("customers.holdout", "holdout_check"),
    "simulate_customers": ("customers.simulate", "simulate_customers"),
    "simulate_transactions": ("customers.simulate", "simulate_transactions"),
    "nps": ("customers.net_promoter", "nps"),
    "sample_size": ("customers.net_promoter", "sample_size"),
    "profiles": ("customers.profiling", "profiles"),
    "rfm": ("customers.segments", "rfm"),
    "segment": ("customers.segments", "segment"),
    "Segmentation": ("customers.segments", "Segmentation"),
    "base_by_year": ("customers.segments", "base_by_year"),
    "compare_groups": ("customers.compare", "compare_groups"),
    "draw_survey_sample": ("customers.survey_sample", "draw_survey_sample"),
    "next_purchases": ("customers.commands", "next_purchases"),
    "survey_nps": ("customers.commands", "survey_nps"),
    "customer_segments": ("customers.commands", "customer_segments"),
    "next_visits": ("customers.habits", "next_visits"),
    "customer_report": ("customers.report", "customer_report"),
    "check_register": ("customers.register_check", "check_register"),
    "RegisterCheck": ("customers.register_check", "RegisterCheck"),
    "find_duplicates": ("customers.linkage", "find_duplicates"),
    "Duplicates": ("customers.linkage", "Duplicates"),
    "pseudonymise": ("customers.pseudonym", "pseudonymise"),
    "load_secret": ("customers.pseudonym", "load_secret"),
    "Pseudonymised": ("customers.pseudonym", "Pseudonymised"),
}

__all__ = [
    "LAPSED_BELOW",
    "BetaGeoModel",
    "CustomerError",
    "Duplicates",
    "FitError",
    "GammaGammaModel",
    "NotFittedError",
    "ParameterError",
    "Pseudonymised",
    "RegisterCheck",
    "SchemaError",
    "Segmentation",
    "TooFewCustomersError",
    "base_by_year",
    "check_register",
    "compare_groups",
    "customer_report",
    "customer_segments",
    "draw_survey_sample",
    "find_duplicates",
    "holdout_check",
    "lifecycle",
    "load_secret",
    "next_purchases",
    "next_visits",
    "nps",
    "profiles",
    "pseudonymise",
    "rfm",
    "sample_size",
    "segment",
    "simulate_customers",
    "simulate_transactions",
    "summarise",
    "survey_nps",
]


def __getattr__(name: str) -> Any:
    """Import a lazy export on first use (PEP 562)."""
    if name not in _LAZY:
        raise AttributeError(f"module 'customers' has no attribute {name!r}")
    module, attribute = _LAZY[name]
    value = getattr(import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
