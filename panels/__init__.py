"""Streamlit glue for one screen each (ui.py holds what every page shares)."""
