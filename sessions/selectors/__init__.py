"""Every read of the sessions app, scoped by organization in the query, with what pages and the API show
prefetched so that templates and serializers never query per row; one module per concern (matches,
sessions, goals, notifications, the admins' overview). Import from the module."""
