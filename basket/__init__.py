"""Association rules on grocery receipts: what sells together, and whether it is real.

The mining itself lands with ``kori rules``; this package already owns its error tree so that
the command line can report basket problems in one line.
"""

from __future__ import annotations

from basket.errors import BasketError, ParameterError, SchemaError

__all__ = ["BasketError", "ParameterError", "SchemaError"]
