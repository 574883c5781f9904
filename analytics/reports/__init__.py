"""The report computations of the dashboards, read from the roll-up tables and the roster: program health
(health, with its sections in health_sections) and the impact report (impact, with the comparison group in
impact_controls, retention and promotions in impact_retention, survey outcomes and participation by group in
impact_outcomes). Every figure leaves here as an analytics.suppression.Figure."""
