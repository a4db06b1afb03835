"""Pages de la gouvernance, par sous-domaine : `seances` (séances, présences, ordre du jour,
actions, procès-verbal, collèges) et `decisions` (décisions d'une séance, registre)."""
