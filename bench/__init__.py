"""`make bench`: the figures a user of this system cares about, measured on the local cloud."""
