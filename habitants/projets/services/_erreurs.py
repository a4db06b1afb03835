"""Les refus métier des services de la vie du pôle."""


class ProjetsError(Exception):
    """Refus métier, avec un message destiné à la personne (la vue l'affiche tel quel)."""
