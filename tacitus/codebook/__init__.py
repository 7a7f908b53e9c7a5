"""codebook stage."""
