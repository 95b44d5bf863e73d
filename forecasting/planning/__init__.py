"""Planning: turn forecasts into orders, staff hours and freezer space."""
