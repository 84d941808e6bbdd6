"""The region's own sources: organisation register, listings, staffing, cost and bed census."""
