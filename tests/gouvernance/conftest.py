"""La SCIC de test : quatre cogérant·es (dont le persona `cogerant`), des associé·es
(structures et personnes), une cogérance de juillet 2015 ouverte, et de quoi ouvrir une
assemblée générale."""

import datetime

import pytest

from gouvernance.models import Associe, Mandat, Participant, Seance
from gouvernance.services import seances as services_seances
from habitants.models import Structure
from phares.lib import temps
from tests.conftest import acteur, make_user

CREATION = datetime.date(2014, 6, 1)
# Tuesday 7 July 2015, 18:00 in Paris.
JUILLET = temps.aware(datetime.date(2015, 7, 7), datetime.time(18))


def associer(*, structure=None, personne=None, college=None, entree=CREATION):
    return Associe.objects.create(
        structure=structure,
        personne=personne,
        categorie=Associe.Categorie.SALARIES if personne else Associe.Categorie.BENEFICIAIRES,
        entree=entree,
        college=college,
    )


@pytest.fixture
def cogerants(cogerant):
    """Le persona et trois autres cogérant·es, mandat depuis juin 2014."""
    autres = []
    for prenom, nom in (("Martine", "Roux"), ("Mamadou", "Traoré"), ("Hélène", "Garnier")):
        user = make_user(f"{prenom.lower()}@phares.test", first_name=prenom, last_name=nom)
        Mandat.objects.create(personne=user, debut=CREATION)
        autres.append(user)
    return [cogerant, *autres]


@pytest.fixture
def par(cogerant):
    return acteur(cogerant)


@pytest.fixture
def cogerance(cogerants, par):
    return services_seances.creer_seance(
        type=Seance.Type.COGERANCE,
        debut=JUILLET,
        fin=JUILLET + datetime.timedelta(hours=2),
        lieu="La Cité PHARES, salle du 1er étage",
        par=par,
    )


def noter(seance, par, **presences):
    """noter(s, par, Claude="present", Martine="represente:Claude") : par prénom (ou nom)."""
    participants = list(seance.participants.all())

    def trouver(nom):
        return next(p for p in participants if nom in p.nom)

    lignes = []
    for nom, valeur in presences.items():
        presence, _, mandataire = valeur.partition(":")
        lignes.append(
            services_seances.LignePresence(
                participant_id=trouver(nom).pk,
                presence=presence,
                mandataire_id=trouver(mandataire).pk if mandataire else None,
            )
        )
    return services_seances.enregistrer_presences(seance=seance, lignes=lignes, par=par)


def tous_presents(seance, par):
    lignes = [
        services_seances.LignePresence(participant_id=p.pk, presence=Participant.Presence.PRESENT)
        for p in seance.participants.all()
    ]
    return services_seances.enregistrer_presences(seance=seance, lignes=lignes, par=par)


@pytest.fixture
def structures_associees(domaine):
    """Douze structures associées (assemblée générale)."""
    return [
        associer(
            structure=Structure.objects.create(
                nom=f"Structure {i:02d}",
                slug=f"structure-{i:02d}",
                domaine=domaine,
                arrivee=datetime.date(2010, 1, 1),
                email_contact=f"contact@s{i:02d}.test",
            )
        )
        for i in range(1, 13)
    ]
