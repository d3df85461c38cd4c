"""The local cloud: the same code on real stand-ins (moto for AWS, localstripe for Stripe) on one machine."""
