"""Formulaires de la gouvernance, par sous-domaine (`registre`, `capital`, `mandats`,
`postes`) : ils lisent et typent la saisie ; les services décident."""
