"""Shared test support: persistence fixtures and event-store inspection."""
