"""The report: APA formatting, the Word document builder, figures and one module per chapter.

Report code formats results; it never computes a statistic.
"""
