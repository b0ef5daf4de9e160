"""Screening for content that must not be published: personal data, secrets, reprints, approvals."""
