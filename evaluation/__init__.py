"""Measurements of the warehouse's own logic against labelled data (the company resolver)."""
