"""E-mails rendus depuis des gabarits `<préfixe>_subject.txt` et `<préfixe>_body.txt`."""

from django.template.loader import render_to_string


def une_ligne(texte: str) -> str:
    """Un en-tête d'e-mail tient sur une ligne : un nom collé avec un retour à la ligne
    (saisi dans un formulaire) ferait échouer l'envoi."""
    return " ".join(texte.split())


def rendre(prefixe: str, context: dict) -> tuple[str, str]:
    """(objet sur une ligne, corps) du couple de gabarits `prefixe`."""
    return (
        une_ligne(render_to_string(f"{prefixe}_subject.txt", context)),
        render_to_string(f"{prefixe}_body.txt", context),
    )
