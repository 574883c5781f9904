"""HTML pages of the matching app: the HR admin's review of runs and matches (admin_runs, admin_matches),
and the participants' own pages (participant: my matches, accept / decline; choice: mentee-choice mode)."""
