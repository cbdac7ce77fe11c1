"""Digital signing of issued documents: PAdES signatures, keys, profiles and verification."""
