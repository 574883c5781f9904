"""The dashboards: program health (health), the impact report (impact), their printable versions and CSV
exports, and roll-up runs. Tables and chart data are made once from the reports (health_tables,
impact_tables, of the cells in cells), so a page, its CSV and its charts always show the same figures."""
