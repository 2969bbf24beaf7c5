"""Triangulation: constructs across survey, interviews and chats (first steps: constructs and linkage)."""
