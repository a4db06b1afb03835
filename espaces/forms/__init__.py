"""Formulaires espaces, par sous-domaine : `batiment`, `reservations`, `tarifs`."""
