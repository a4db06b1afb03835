"""Formulaires de la gouvernance, par sous-domaine (`seances` — séances, présences, ordre du
jour, décisions, actions, collèges —, `registre`, `capital`, `mandats`, `postes`) : ils lisent
et typent la saisie ; les services décident."""
