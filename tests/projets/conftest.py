"""Données communes aux tests de la vie du pôle : la fixture `axes` est dans
tests/conftest.py (les parcours navigateur en ont besoin aussi)."""
