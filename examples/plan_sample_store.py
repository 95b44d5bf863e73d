"""Turn the sample store's forecasts into an order, a checkout roster and a freezer layout.

Run with ``python examples/plan_sample_store.py``. It prints the first order of salmon in
Kallio, the checkout staffing of Christmas Eve, and the weeks the big freezer holds the most ice
cream and the most Christmas ham.
"""

from __future__ import annotations

from forecasting import forecast, plan_freezer, plan_staffing
from forecasting.planning.demand import daily_moments
from forecasting.planning.orders import order_plan
from forecasting.planning.staffing import describe_hour
from forecasting.sample import simulate_store
from forecasting.series import sales_series
from forecasting.tasks import Regressors


def main() -> None:
    """Print an order line, a staffing day and the freezer's seasons."""
    store = simulate_store(seed=1)
    regressors = Regressors(weather=store.weather, stores=store.stores)
    series = sales_series(store.sales, stores=store.stores)
    demand = daily_moments(forecast(series, horizon=28, regressors=regressors).table)

    lines = order_plan(demand, store.stock, store.catalog, stores=store.stores).lines
    salmon = lines[(lines["store"] == "HKI") & (lines["sku"] == "K1029")].iloc[0]
    print(f"salmon, order on {salmon['order_date']:%a %Y-%m-%d}: {salmon['quantity']} units "
          f"({salmon['packs']} packs of {salmon['pack_size']}) for delivery "
          f"{salmon['delivery_date']:%a %d.%m.}; stock-out risk {salmon['stockout_risk']:.1%}")

    staffing = plan_staffing(store.traffic, store.stores, horizon=28, weather=store.weather)
    hours, days = staffing.table, staffing.daily
    eve = days[(days["store"] == "HKI") & (days["date"] == "2025-12-24")].iloc[0]
    print(f"Christmas Eve in Kallio: {eve['open_hours']:.0f} open hours, "
          f"{eve['staff_hours']:.0f} checkout hours, up to {eve['peak_cashiers']} cashiers")
    busiest = hours[(hours["store"] == "HKI") & (hours["date"] == "2025-12-24")]
    print("  " + describe_hour(busiest.sort_values("load_erlangs").iloc[-1],
                               staffing.standards["HKI"]))

    frozen = series.select(series.keys["sku"].isin(
        store.catalog.loc[store.catalog["department"] == "frozen", "sku"]).to_numpy())
    year = daily_moments(forecast(frozen, horizon=365, regressors=regressors).table)
    plan = plan_freezer(year, store.catalog, store.stores).plan
    space = plan.categories[plan.categories["store"] == "HKI"].pivot(
        index="week", columns="category", values="allocated_l")
    for category in ("ice cream", "christmas ham"):
        print(f"{category}: most freezer space in the week of {space[category].idxmax():%Y-%m-%d}"
              f" ({space[category].max():.0f} of {plan.capacity['HKI']:.0f} litres)")


if __name__ == "__main__":
    main()
