"""Instruments as data: the questionnaire (YAML, XLSForm)."""
