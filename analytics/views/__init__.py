"""Pages of the analytics app, one module (or package) per area: the dashboards (program health, the
impact report, their exports and roll-up runs) and the participants' pages (surveys, about me)."""
