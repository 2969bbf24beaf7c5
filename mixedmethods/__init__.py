"""mixedmethods: survey, interviews and chats of a mixed-methods study, triangulated into a Word report.

The package is a library first; :mod:`mixedmethods.cli` is a thin command line
over it. Importing :mod:`mixedmethods` is cheap: pandas, pingouin and
python-docx are imported only by the functions that need them.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
