"""The REFI-QDA project schema shipped in tests/fixtures/refi-qda (MIT), loaded once for the schema tests."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

REFI_QDA_SCHEMA = Path(__file__).parent / "fixtures" / "refi-qda" / "refi-qda-project-1.0.xsd"


@lru_cache(maxsize=1)
def refi_qda_schema():
    """lxml's XMLSchema of the REFI-QDA project format (lxml is a dependency: no test skips for want of it)."""
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(REFI_QDA_SCHEMA)))
