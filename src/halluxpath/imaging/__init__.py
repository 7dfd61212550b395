"""Radiographs: upload, de-identification, landmarks and measurements."""
