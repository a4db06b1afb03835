"""Vues espaces, par sous-domaine : `batiment`, `reservations` et `planning`, `demandes`
(demande publique), `tarifs`, `calendriers`."""
