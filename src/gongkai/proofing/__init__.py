"""Proofing: language (typos, punctuation, numbers), GB/T 9704 format, the 三审三校 checklist."""
