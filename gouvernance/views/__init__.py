"""Pages de la gouvernance, par sous-domaine : `registre`, `capital`, `mandats`, `postes`.
Chaque vue lit un formulaire, appelle un service, affiche ; les droits sont dans
gouvernance/roles.py."""
