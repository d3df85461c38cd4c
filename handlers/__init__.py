"""Lambda entry points: thin adapters from AWS events to the services in commerce."""
