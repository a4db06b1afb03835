"""Importer et exporter les structures, et les membres (personnes et appartenances), en CSV ou
XLSX (`phares.lib.echanges` pour le parcours, `phares.lib.tableurs` pour les fichiers).

Clés naturelles (ce qui fait qu'une ligne retrouve un objet existant, et qu'un même fichier
importé deux fois ne change rien) :
- **structure** : son identifiant (le slug de son adresse, que l'export écrit) s'il est
  connu ; sinon son SIRET s'il est rempli et connu ; sinon son nom, sans tenir compte des
  majuscules. Rien de tout cela : elle est créée.
- **personne** : son adresse e-mail (sans tenir compte des majuscules).
- **appartenance** : personne + structure + date de début ; début vide : l'appartenance en
  cours de la personne dans la structure, ou une nouvelle à partir d'aujourd'hui.

Une colonne absente ne touche à rien ; une cellule vide vide le champ (sauf le prénom et le
nom d'une personne qui a déjà un compte : ils restent). L'analyse lit tout en quelques
requêtes (pas une par ligne) ; l'écriture passe par `services.importer_structures` et
`services.importer_membres`, par paquets.
"""

from __future__ import annotations

import copy

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from phares.lib import journal
from phares.lib.acteur import Acteur
from phares.lib.echanges import (
    CREER,
    INCHANGE,
    MODIFIER,
    Colonne,
    Echange,
    EchangeError,
    Erreur,
    Operation,
    Plan,
)
from phares.lib.tableurs import lire_choix, lire_date

from . import selectors, services
from .models import Domaine, FormeJuridique, Membre, Structure

User = get_user_model()
DATE = "31/12/2015, 2015-12-31 ou 31-12-2015"
# Read once: an enum's .choices is rebuilt on every access.
FORMES = FormeJuridique.choices
ROLES = Membre.Role.choices


# --- Structures ---------------------------------------------------------------------------

COLONNES_STRUCTURE = (
    Colonne("slug", "identifiant", aide="l'identifiant de la fiche (vide pour une nouvelle)"),
    Colonne("nom", "nom", obligatoire=True),
    Colonne("sigle_developpe", "nom développé"),
    Colonne("forme_juridique", "forme juridique", aide="Association loi 1901, SCOP, SAS…"),
    Colonne("siren", "SIREN"),
    Colonne("siret", "SIRET"),
    Colonne("domaine", "domaine", aide="un domaine d'activité existant"),
    Colonne("email_contact", "e-mail de contact", alias=("email", "e-mail")),
    Colonne("telephone", "téléphone"),
    Colonne("site_web", "site web"),
    Colonne("adresse_facturation", "adresse de facturation"),
    Colonne("email_facturation", "e-mail de facturation"),
    Colonne("arrivee", "arrivée", aide=DATE),
    Colonne("depart", "départ", aide=DATE),
    Colonne("description", "description"),
)
CHAMPS_TEXTE = {
    "nom",
    "sigle_developpe",
    "siren",
    "siret",
    "email_contact",
    "telephone",
    "site_web",
    "adresse_facturation",
    "email_facturation",
    "description",
}


class EchangeStructures(Echange):
    type = "structures"
    titre = "Structures"
    description = "Les habitants (structures non archivées) et leurs coordonnées."
    cle_naturelle = (
        "l'identifiant s'il est connu, sinon le SIRET s'il est rempli, sinon le nom "
        "(sans tenir compte des majuscules)"
    )
    liste_url = "habitants:structure-liste"
    colonnes = COLONNES_STRUCTURE

    def exporter(self):
        for s in Structure.objects.actives().select_related("domaine").order_by("nom"):
            yield [
                s.slug,
                s.nom,
                s.sigle_developpe,
                s.get_forme_juridique_display(),
                s.siren,
                s.siret,
                s.domaine.nom if s.domaine else "",
                s.email_contact,
                s.telephone,
                s.site_web,
                s.adresse_facturation,
                s.email_facturation,
                s.arrivee,
                s.depart,
                s.description,
            ]

    def analyser(self, lignes, colonnes, *, par: Acteur) -> Plan:
        return _AnalyseStructures(self, colonnes).analyser(lignes)

    def appliquer(self, plan: Plan, *, par: Acteur) -> None:
        creations, modifications, champs = plan.donnees
        try:
            services.importer_structures(
                creations=creations, modifications=modifications, champs=champs, par=par
            )
        except services.HabitantsError as exc:
            raise EchangeError(str(exc)) from exc


class _AnalyseStructures:
    def __init__(self, echange: EchangeStructures, colonnes: set[str]):
        self.echange = echange
        self.colonnes = colonnes
        self.champs = [c.cle for c in COLONNES_STRUCTURE if c.cle in colonnes and c.cle != "slug"]
        existantes = list(Structure.objects.select_related("domaine"))
        self.par_slug = {s.slug: s for s in existantes}
        self.par_siret = {s.siret: s for s in existantes if s.siret}
        self.par_nom = {s.nom.casefold(): s for s in existantes}
        self.domaines = {d.nom.casefold(): d for d in Domaine.objects.all()}
        self.vues: dict[tuple, int] = {}
        self.plan = Plan(donnees=([], [], self.champs))

    def erreur(self, numero: int, cle: str, message: str) -> None:
        colonne = self.echange.colonne(cle).entete if cle else ""
        self.plan.erreurs.append(Erreur(numero, colonne, message))

    def analyser(self, lignes) -> Plan:
        for numero, valeurs in lignes:
            self.ligne(numero, valeurs)
        return self.plan

    def retrouver(self, valeurs: dict) -> Structure | None:
        slug = valeurs.get("slug", "").strip()
        siret = valeurs.get("siret", "").replace(" ", "")
        nom = valeurs.get("nom", "").strip().casefold()
        return self.par_slug.get(slug) or self.par_siret.get(siret) or self.par_nom.get(nom)

    def ligne(self, numero: int, valeurs: dict) -> None:
        existante = self.retrouver(valeurs)
        if existante is not None and existante.archivee:
            self.erreur(numero, "nom", f"{existante.nom} est archivée : restaurez-la d'abord.")
            return
        structure = copy.copy(existante) if existante else Structure()
        avant = journal.instantane(existante, self.champs) if existante else {}
        erreurs_avant = len(self.plan.erreurs)
        self.remplir(numero, structure, valeurs)
        self.valider(numero, structure, existante)
        if len(self.plan.erreurs) > erreurs_avant or self.en_double(numero, structure, existante):
            return
        changements = journal.ecarts(avant, journal.instantane(structure, self.champs))
        creations, modifications, _ = self.plan.donnees
        if existante is None:
            action = CREER
            creations.append(structure)
        elif changements:
            action = MODIFIER
            modifications.append((structure, changements))
        else:
            action = INCHANGE
        self.plan.operations.append(Operation(numero, action, structure.nom, changements))

    def remplir(self, numero: int, structure: Structure, valeurs: dict) -> None:
        for cle in self.champs:
            texte = valeurs[cle].strip()
            try:
                setattr(structure, cle, self.valeur(cle, texte))
            except ValueError as exc:
                self.erreur(numero, cle, str(exc))

    def valeur(self, cle: str, texte: str):
        if cle in ("siren", "siret"):
            return texte.replace(" ", "")
        if cle in CHAMPS_TEXTE:
            return texte
        if cle in ("arrivee", "depart"):
            return lire_date(texte) if texte else None
        if cle == "forme_juridique":
            if not texte:
                return FormeJuridique.AUTRE
            return lire_choix(texte, FORMES, "Forme juridique")
        # domaine
        if not texte:
            return None
        domaine = self.domaines.get(texte.casefold())
        if domaine is None:
            connus = ", ".join(f"« {d.nom} »" for d in self.domaines.values()) or "aucun"
            raise ValueError(f"Domaine inconnu « {texte[:60]} » (domaines : {connus}).")
        return domaine

    def valider(self, numero: int, structure: Structure, existante: Structure | None) -> None:
        exclus = [f.name for f in Structure._meta.fields if f.name not in self.champs]
        try:
            structure.full_clean(exclude=exclus, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for champ, messages in exc.message_dict.items():
                cle = champ if champ in self.champs else ""
                for message in messages:
                    self.erreur(numero, cle, message)
        if structure.arrivee is None and structure.depart is not None:
            self.erreur(numero, "depart", "Un départ sans arrivée : indiquez l'arrivée.")
        elif structure.depart and structure.arrivee and structure.depart < structure.arrivee:
            self.erreur(numero, "depart", "Le départ ne peut pas précéder l'arrivée.")
        autre = self.par_nom.get(structure.nom.casefold())
        if autre is not None and autre is not existante:
            self.erreur(numero, "nom", f"Une autre structure porte déjà ce nom ({autre.nom}).")
        autre = self.par_siret.get(structure.siret) if structure.siret else None
        if autre is not None and autre is not existante:
            self.erreur(numero, "siret", f"Ce SIRET est déjà celui de {autre.nom}.")

    def en_double(self, numero: int, structure: Structure, existante: Structure | None) -> bool:
        cles = [("pk", existante.pk)] if existante else []
        cles.append(("nom", structure.nom.casefold()))
        if structure.siret:
            cles.append(("siret", structure.siret))
        for cle in cles:
            if cle in self.vues:
                self.erreur(
                    numero, "nom", f"Même structure qu'à la ligne {self.vues[cle]} (doublon)."
                )
                return True
        for cle in cles:
            self.vues[cle] = numero
        return False


# --- Membres ------------------------------------------------------------------------------

COLONNES_MEMBRE = (
    Colonne("email", "e-mail", obligatoire=True, alias=("adresse e-mail", "courriel")),
    Colonne("prenom", "prénom"),
    Colonne("nom", "nom"),
    Colonne(
        "structure", "structure", obligatoire=True, aide="son identifiant, son SIRET ou son nom"
    ),
    Colonne("role", "rôle", aide="Référent·e ou Membre"),
    Colonne("fonction", "fonction"),
    Colonne("debut", "début", aide=DATE + " ; vide : aujourd'hui"),
    Colonne("fin", "fin", aide=DATE + " (incluse) ; vide : en cours"),
)


class EchangeMembres(Echange):
    type = "membres"
    titre = "Membres"
    description = (
        "Les personnes et leur appartenance aux structures (une ligne par appartenance) ; "
        "une personne inconnue reçoit un compte sans mot de passe (« Mot de passe oublié » "
        "le lui fait choisir)."
    )
    cle_naturelle = (
        "la personne par son e-mail ; l'appartenance par personne + structure + début "
        "(début vide : l'appartenance en cours)"
    )
    liste_url = "habitants:structure-liste"
    colonnes = COLONNES_MEMBRE

    def exporter(self):
        membres = (
            Membre.objects.filter(structure__archivee=False)
            .select_related("user", "structure")
            .order_by("structure__nom", "user__email", "debut")
        )
        for m in membres:
            yield [
                m.user.email,
                m.user.first_name,
                m.user.last_name,
                m.structure.slug,
                m.get_role_display(),
                m.fonction,
                m.debut,
                m.fin,
            ]

    def analyser(self, lignes, colonnes, *, par: Acteur) -> Plan:
        return _AnalyseMembres(self, colonnes).analyser(lignes)

    def appliquer(self, plan: Plan, *, par: Acteur) -> None:
        try:
            services.importer_membres(**plan.donnees, par=par)
        except services.HabitantsError as exc:
            raise EchangeError(str(exc)) from exc


class _AnalyseMembres:
    def __init__(self, echange: EchangeMembres, colonnes: set[str]):
        self.echange = echange
        self.colonnes = colonnes
        self.aujourdhui = timezone.localdate()
        self.structures = selectors.repertoire_structures()
        self.users = {
            u.email.casefold(): u
            for u in User.objects.only("pk", "email", "first_name", "last_name")
        }
        self.membres: dict[tuple, list[Membre]] = {}
        for m in Membre.objects.all():
            self.membres.setdefault((m.user_id, m.structure_id), []).append(m)
        self.personnes: dict[str, tuple[int, object]] = {}  # e-mail → (first line, user)
        self.vues: dict[tuple, int] = {}
        self.ouvertes: dict[tuple, int] = {}  # (e-mail, structure) → line of an open one
        self.renommees: dict[str, dict] = {}  # e-mail → name change of an existing person
        self.plan = Plan(
            donnees={
                "personnes": [],
                "personnes_modifiees": [],
                "nouveaux": [],
                "modifies": [],
            }
        )

    def erreur(self, numero: int, cle: str, message: str) -> None:
        self.plan.erreurs.append(Erreur(numero, self.echange.colonne(cle).entete, message))

    def analyser(self, lignes) -> Plan:
        for numero, valeurs in lignes:
            self.ligne(numero, valeurs)
        return self.plan

    def lire(self, numero: int, valeurs: dict) -> dict | None:
        erreurs_avant = len(self.plan.erreurs)
        lu: dict = {}
        email = valeurs["email"].strip().lower()
        try:
            validate_email(email)
            lu["email"] = email
        except ValidationError:
            self.erreur(numero, "email", f"Adresse e-mail invalide « {email[:60]} ».")
        lecteurs = {
            "structure": self.structures.exiger,
            "role": lambda t: lire_choix(t, ROLES, "Rôle") if t else "membre",
            "debut": lambda t: lire_date(t) if t else None,
            "fin": lambda t: lire_date(t) if t else None,
        }
        for cle, lecteur in lecteurs.items():
            try:
                lu[cle] = lecteur(valeurs.get(cle, "").strip())
            except ValueError as exc:
                self.erreur(numero, cle, str(exc))
        for cle in ("prenom", "nom", "fonction"):
            lu[cle] = valeurs.get(cle, "").strip()[:150]
        if len(self.plan.erreurs) > erreurs_avant:
            return None
        if lu["debut"] and lu["fin"] and lu["fin"] < lu["debut"]:
            self.erreur(numero, "fin", "La fin ne peut pas précéder le début.")
            return None
        return lu

    def ligne(self, numero: int, valeurs: dict) -> None:
        lu = self.lire(numero, valeurs)
        if lu is None:
            return
        user = self.personne(numero, lu)
        if user is None:
            return
        cle = (lu["email"], lu["structure"].pk, lu["debut"])
        if cle in self.vues:
            self.erreur(numero, "email", f"Même appartenance qu'à la ligne {self.vues[cle]}.")
            return
        self.vues[cle] = numero
        self.appartenance(numero, lu, user)

    def personne(self, numero: int, lu: dict):
        """L'utilisateur de la ligne : existant (peut-être renommé), ou nouveau (non écrit)."""
        email = lu["email"]
        if email in self.personnes:
            premiere, user = self.personnes[email]
            for cle, attr in (("prenom", "first_name"), ("nom", "last_name")):
                if cle in self.colonnes and lu[cle] and lu[cle] != getattr(user, attr):
                    self.erreur(numero, cle, f"Différent de la ligne {premiere} (même e-mail).")
                    return None
            return user
        existant = self.users.get(email)
        user = copy.copy(existant) if existant else User(email=email)
        for cle, attr in (("prenom", "first_name"), ("nom", "last_name")):
            if cle in self.colonnes and (lu[cle] or existant is None):
                setattr(user, attr, lu[cle])
        self.personnes[email] = (numero, user)
        donnees = self.plan.donnees
        if existant is None:
            donnees["personnes"].append(user)
        elif (user.first_name, user.last_name) != (existant.first_name, existant.last_name):
            donnees["personnes_modifiees"].append(user)
            self.renommees[email] = journal.ecarts(
                {"personne": existant.get_full_name()}, {"personne": user.get_full_name()}
            )
        return user

    def appartenance(self, numero: int, lu: dict, user) -> None:
        structure = lu["structure"]
        existants = self.membres.get((user.pk, structure.pk), []) if user.pk else []
        if lu["debut"] is None:
            membre = next((m for m in existants if m.fin is None), None)
        else:
            membre = next((m for m in existants if m.debut == lu["debut"]), None)
        champs = ["role", "fonction", "fin"] if membre else ["debut", "role", "fonction", "fin"]
        nouveau = copy.copy(membre) if membre else Membre()
        # Objects already read: no query per row to reach them (the journal names both).
        nouveau.structure, nouveau.user = structure, user
        avant = journal.instantane(membre, champs) if membre else {}
        nouveau.debut = membre.debut if membre else (lu["debut"] or self.aujourdhui)
        nouveau.role = lu["role"] if "role" in self.colonnes else nouveau.role
        nouveau.fonction = lu["fonction"] if "fonction" in self.colonnes else nouveau.fonction
        nouveau.fin = lu["fin"] if "fin" in self.colonnes else nouveau.fin
        if nouveau.fin is not None and nouveau.fin < nouveau.debut:
            self.erreur(numero, "fin", "La fin ne peut pas précéder le début.")
            return
        if not self.une_seule_ouverte(numero, lu["email"], nouveau, existants, membre):
            return
        changements = journal.ecarts(avant, journal.instantane(nouveau, champs))
        objet = f"{lu['email']} — {structure.nom}"
        if membre is None:
            self.plan.donnees["nouveaux"].append(nouveau)
            action = CREER
        elif changements:
            self.plan.donnees["modifies"].append((nouveau, changements))
            action = MODIFIER
        else:
            action = INCHANGE
        if lu["email"] in self.renommees:
            changements = {**self.renommees.pop(lu["email"]), **changements}
            action = MODIFIER if action == INCHANGE else action
        self.plan.operations.append(Operation(numero, action, objet, changements))

    def une_seule_ouverte(self, numero, email, nouveau, existants, membre) -> bool:
        """Une personne n'a qu'une appartenance en cours par structure."""
        if nouveau.fin is not None:
            return True
        cle = (email, nouveau.structure.pk)
        autre = next((m for m in existants if m.fin is None and m is not membre), None)
        if autre is not None:
            self.erreur(
                numero,
                "debut",
                f"Cette personne est déjà membre de {nouveau.structure.nom} depuis le "
                f"{autre.debut:%d/%m/%Y} (appartenance en cours) : indiquez ce début, ou une fin.",
            )
            return False
        if cle in self.ouvertes:
            self.erreur(
                numero, "fin", f"Déjà une appartenance en cours à la ligne {self.ouvertes[cle]}."
            )
            return False
        self.ouvertes[cle] = numero
        return True


ECHANGES = (EchangeStructures(), EchangeMembres())
