"""The programme at a glance: public coverage charts and gaps, and the facilitators' dashboard.

Every figure is aggregated in the database (annotate/aggregate, TruncMonth), so the pages make the same number
of queries however much content there is.
"""
