"""Aftercare: symptom check-ins, red-flag triage and alerts to the care team."""
