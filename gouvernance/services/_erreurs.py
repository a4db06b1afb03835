"""Les refus métier des services de la gouvernance."""


class GouvernanceError(Exception):
    """Refus métier, avec un message destiné à la personne (la vue l'affiche tel quel)."""
