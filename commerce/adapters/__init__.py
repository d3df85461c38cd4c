"""Adapters of the domain's ports to outside services: Stripe through its SDK."""
