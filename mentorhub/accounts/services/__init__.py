"""Every write of the accounts app. Services are keyword-only, typed and atomic."""
