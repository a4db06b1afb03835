from django import forms
from django.core.exceptions import ValidationError

from phares.lib import tableurs


class FichierForm(forms.Form):
    fichier = forms.FileField(
        label="Fichier CSV ou XLSX",
        help_text="CSV (séparateur ; ou ,, UTF-8 ou Windows-1252) ou classeur XLSX (première "
        f"feuille), {tableurs.TAILLE_MAX // 1024 // 1024} Mo au plus.",
        error_messages={
            "required": "Choisissez un fichier CSV ou XLSX.",
            "empty": "Ce fichier est vide.",
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx,text/csv"}),
    )

    def clean_fichier(self) -> tableurs.Tableau:
        fichier = self.cleaned_data["fichier"]
        if fichier.size > tableurs.TAILLE_MAX:
            # Said before reading it: the size alone decides.
            raise ValidationError(
                f"Le fichier pèse {fichier.size / 1024 / 1024:.1f} Mo : ".replace(".", ",")
                + f"{tableurs.TAILLE_MAX // 1024 // 1024} Mo au plus. Coupez-le en plusieurs "
                "fichiers."
            )
        self.nom_fichier = (fichier.name or "fichier")[:200]
        try:
            return tableurs.lire(fichier.read(), self.nom_fichier)
        except tableurs.TableurError as exc:
            raise ValidationError(str(exc)) from exc
