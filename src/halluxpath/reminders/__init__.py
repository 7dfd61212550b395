"""Reminders: an outbox of messages to patients and the worker that sends them."""
