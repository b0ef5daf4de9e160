"""Proofing: language (typos, punctuation, numbers) and GB/T 9704 format (三审三校 is `gongkai.review`)."""
