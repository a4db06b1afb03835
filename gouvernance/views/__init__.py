"""Pages de la gouvernance, par sous-domaine : `seances` (séances, présences, ordre du jour,
actions, procès-verbal, collèges), `decisions` (décisions d'une séance, registre des
décisions), `registre` (associés), `capital`, `mandats`, `postes`. Chaque vue lit un
formulaire, appelle un service, affiche ; les droits sont dans gouvernance/roles.py."""
