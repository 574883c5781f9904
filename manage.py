#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorhub.settings")
    from django.core.management import execute_from_command_line

    from mentorhub.db.tenant_scope import all_organizations

    # Management commands (seed_demo, create_api_token, ...) are the operator's tools: they act across
    # organizations under row-level security. runserver's requests run in threads of their own, which start
    # with no organization, as in production.
    with all_organizations():
        execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
