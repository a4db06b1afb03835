import datetime
import io
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.db.models import Count, Sum
from django.utils import timezone

from espaces.models import Reservation
from gouvernance import selectors as gouvernance_selectors
from gouvernance.models import (
    Action,
    Associe,
    Decision,
    DocumentPv,
    Mandat,
    MouvementCapital,
    PosteDedie,
    Seance,
)
from habitants import demo as habitants_demo
from habitants.models import ChiffresAnnuels, Domaine, Membre, Structure
from phares import roles

# The 2015 demo, loaded once for the module (tests.conftest.demo_2015); the tests that
# need an empty database are in test_demo_chargement.py.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_2015")]

User = get_user_model()
d = datetime.date


def run_demo(**options) -> str:
    out = io.StringIO()
    call_command("demo", stdout=out, **options)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Domaine,
            Structure,
            User,
            EmailAddress,
            Membre,
            ChiffresAnnuels,
            Associe,
            Mandat,
            Seance,
            Decision,
            Action,
            DocumentPv,
            MouvementCapital,
            PosteDedie,
        )
    }


def test_loads_the_twenty_structures_of_the_report():
    assert Structure.objects.count() == 20
    # "18 habitants": head count on the mid-year reference date.
    assert Structure.objects.presentes(d(2015, 6, 30)).count() == 18
    assert Structure.objects.presentes_entre(d(2015, 1, 1), d(2015, 12, 31)).count() == 20


def test_presence_dates_follow_the_report():
    mael = Structure.objects.get(slug="mael")
    assert (mael.arrivee, mael.depart) == (d(2015, 10, 1), None)
    assert mael.periode == "depuis octobre 2015"
    marchambul = Structure.objects.get(slug="marchambul")
    assert marchambul.periode == "juin – août 2015"
    novaedia = Structure.objects.get(slug="novaedia")
    assert novaedia.depart == d(2015, 7, 31)
    assert novaedia.est_partie(le=d(2016, 1, 1))
    gone = Structure.objects.parties(d(2016, 1, 1)).values_list("slug", flat=True)
    assert set(gone) == {"novaedia", "marchambul", "femasif", "la-mission-populaire"}


def test_domains_are_ordered_and_mapped_by_meaning():
    assert list(Domaine.objects.values_list("nom", flat=True)) == list(habitants_demo.DOMAINES)
    assert Structure.objects.get(slug="halage").domaine.nom == habitants_demo.INSERTION
    assert Structure.objects.get(slug="errc").domaine.nom == habitants_demo.LOBBYING
    assert Structure.objects.get(slug="terragram").domaine.nom == habitants_demo.CONSO_DURABLE


def test_2015_figures_add_up_to_the_report_totals():
    chiffres = ChiffresAnnuels.objects.filter(annee=2015)
    assert chiffres.count() == 20
    assert set(chiffres.values_list("statut", flat=True)) == {ChiffresAnnuels.Statut.VALIDE}
    assert chiffres.aggregate(
        p=Sum("emplois_permanents"), i=Sum("salaries_insertion"),
        c=Sum("services_civiques"), b=Sum("benevoles"),
    ) == {"p": 71, "i": 170, "c": 6, "b": 80}  # fmt: skip
    assert {c.valide_par.email for c in chiffres} == {"gestion@phares.test"}


def test_running_twice_changes_nothing():
    first = row_counts()
    modified = dict(Structure.objects.values_list("slug", "modifiee_le"))
    out = run_demo()
    assert row_counts() == first
    assert dict(Structure.objects.values_list("slug", "modifiee_le")) == modified
    assert "0 ligne(s) créée(s), 0 modifiée(s)" in out


def test_demo_logins_work(demo_2015):
    out = demo_2015.sortie
    assert "gestion@phares.test" in out and "phares2015" in out
    # The default hasher is slow on purpose: check one login end to end, the rest by hash.
    assert authenticate(email="cogerant@phares.test", password="phares2015") is not None
    assert User.objects.get(email="gestion@phares.test").check_password("phares2015")
    for email in habitants_demo.DEMO_EMAILS:
        assert EmailAddress.objects.filter(email=email, verified=True, primary=True).exists()


def test_each_persona_has_its_role():
    gestion = User.objects.get(email="gestion@phares.test")
    assert roles.is_gestion(gestion) and not gestion.is_superuser
    assert roles.is_comptable(User.objects.get(email="compta@phares.test"))
    referent = Membre.objects.get(user__email="referent.halage@phares.test")
    assert (referent.structure.slug, referent.role) == ("halage", Membre.Role.REFERENT)
    membre = Membre.objects.get(user__email="membre.halage@phares.test")
    assert (membre.structure.slug, membre.role) == ("halage", Membre.Role.MEMBRE)
    assert Membre.objects.get(user__email="referent.modeestime@phares.test").est_referent
    associe = User.objects.get(email="associe@phares.test")
    assert gouvernance_selectors.est_associe(associe, le=d(2015, 12, 31))
    assert not gouvernance_selectors.est_cogerant(associe, le=d(2015, 12, 31))


def test_memberships_follow_the_presence_of_their_structure():
    halage = Membre.objects.get(user__email="referent.halage@phares.test")
    assert (halage.debut, halage.fin) == (d(2015, 1, 1), None)
    mael = Membre.objects.get(structure__slug="mael")
    assert (mael.debut, mael.fin) == (d(2015, 10, 1), None)
    novaedia = Membre.objects.get(structure__slug="novaedia")
    assert (novaedia.debut, novaedia.fin) == (d(2015, 1, 1), d(2015, 7, 31))


def test_four_cogerants_and_the_scic_associates():
    for le in (d(2015, 6, 30), timezone.localdate()):
        assert Mandat.objects.filter(fin__isnull=True, debut__lte=le).count() == 4
    cogerant = User.objects.get(email="cogerant@phares.test")
    assert gouvernance_selectors.est_cogerant(cogerant, le=d(2015, 6, 30))
    assert Membre.objects.get(user=cogerant).structure.slug == "etudes-et-chantiers-idf"
    assert Associe.objects.filter(categorie=Associe.Categorie.BENEFICIAIRES).count() == 11
    salariee = Associe.objects.get(categorie=Associe.Categorie.SALARIES)
    assert salariee.personne.email == "gestion@phares.test"


def test_the_scic_meetings_of_2015():
    """Twelve monthly cogérance meetings and the June AGO, minutes approved and stored."""
    seances = Seance.objects.order_by("debut")
    assert seances.count() == 13
    assert seances.filter(type=Seance.Type.COGERANCE).count() == 12
    assert set(seances.values_list("statut", flat=True)) == {Seance.Statut.APPROUVEE}
    assert sorted(seances.values_list("numero", flat=True)) == [
        f"PV2015-{i:04d}" for i in range(1, 14)
    ]
    assert DocumentPv.objects.count() == 13
    assert all(bytes(doc.contenu).startswith(b"%PDF") for doc in DocumentPv.objects.all())
    # The decisions the report tells of, each with its reference.
    titres = set(Decision.objects.values_list("titre", flat=True))
    for titre in (
        "Tarif du poste en co-travail",
        "Service de vélos mutualisés",
        "Service d'affranchissement mutualisé",
        "Permanences juridiques pour les habitants",
        "Travaux du rez-de-chaussée bas",
        "Recrutement de volontaires en service civique",
        "Marque de T-shirts bio, équitables et locaux",
        "Projet COMPIC",
    ):
        assert titre in titres
    assert not Decision.objects.filter(reference__isnull=True).exists()
    tarif = Decision.objects.get(titre="Tarif du poste en co-travail")
    assert (tarif.reference, tarif.pour, tarif.contre, tarif.abstention) == ("2015-01-D01", 3, 0, 1)
    assert tarif.corrections.get().reference == "2015-03-D02"
    # Some follow-up actions are still open, hence overdue today.
    ouvertes = Action.objects.filter(statut=Action.Statut.A_FAIRE)
    assert ouvertes.count() == 3 and all(a.echeance < timezone.localdate() for a in ouvertes)
    assert Action.objects.filter(statut=Action.Statut.FAIT).count() == 9


def test_the_june_2015_general_assembly():
    ag = Seance.objects.get(type=Seance.Type.AGO)
    assert ag.debut.date() == d(2015, 6, 25)
    presences = dict(
        ag.participants.values_list("presence").annotate(n=Count("pk")).values_list("presence", "n")
    )
    assert presences == {"present": 8, "represente": 2, "excuse": 1}
    comptes = ag.decisions.get(titre="Approbation des comptes de l'exercice 2014")
    assert (comptes.pour, comptes.contre, comptes.abstention, comptes.resultat) == (
        9,
        0,
        1,
        "adoptee",
    )


def test_chaque_structure_associee_a_son_representant():
    structures = Associe.objects.filter(structure__isnull=False).select_related("representant")
    assert structures.count() == 11
    for associe in structures:
        assert associe.representant is not None, associe
        # Each representative works for the structure it represents.
        assert Membre.objects.filter(
            user=associe.representant, structure=associe.structure
        ).exists()
    metropop = Associe.objects.get(structure__slug="metropop")
    assert metropop.entree == d(2015, 3, 1)
    # Admitted by a February cogérance decision, found in the decisions register.
    admission = Decision.objects.get(reference=metropop.decision_admission_ref)
    assert admission.titre == "Admission de Metropop' comme associée"
    assert admission.seance.debut.month == 2 and admission.seance.statut == "approuvee"


def test_le_capital_2014_2015_et_une_liberation_partielle():
    fin_2014 = gouvernance_selectors.capital(le=d(2014, 12, 31)).total
    fin_2015 = gouvernance_selectors.capital(le=d(2015, 12, 31)).total
    assert (fin_2014.parts, fin_2014.souscrit, fin_2014.libere) == (49, 4900, 4600)
    assert (fin_2015.parts, fin_2015.souscrit, fin_2015.libere) == (59, 5900, 5700)
    partielles = [
        a
        for a in Associe.objects.all()
        if gouvernance_selectors.solde(a, le=d(2015, 12, 31)).a_liberer
    ]
    assert [str(a) for a in partielles] == ["La Firme 93"]
    firme = gouvernance_selectors.solde(partielles[0], le=d(2015, 12, 31))
    assert (firme.souscrit, firme.libere) == (Decimal(500), Decimal(300))
    # Everyone the report lists as an associate holds shares at the end of 2015.
    porteurs = gouvernance_selectors.soldes_par_associe(d(2015, 12, 31))
    assert all(porteurs[a.pk].parts > 0 for a in Associe.objects.all())


def test_deux_et_demi_equivalents_temps_plein_dedies_en_2015():
    assert gouvernance_selectors.etp_dedies(annee=2015) == Decimal("2.5")
    assert PosteDedie.objects.count() == 6
    assert PosteDedie.objects.get(fonction="developpement").personne.email == "gestion@phares.test"


def test_les_mandats_des_cogerants_disent_qui_les_a_designes():
    cogerants = Mandat.objects.filter(fonction=Mandat.Fonction.COGERANT)
    assert cogerants.count() == 4
    assert set(cogerants.values_list("designe_par", flat=True)) == {
        "AG constitutive du 1er juin 2014"
    }


def test_le_capital_de_la_demo_passe_par_le_journal():
    from phares.models import EntreeJournal

    assert EntreeJournal.objects.filter(operation="capital.souscription").count() == 13
    assert EntreeJournal.objects.filter(operation="capital.liberation").count() == 14


def test_postgresql_connait_la_taille_des_tables_chargees():
    """Sans statistiques, PostgreSQL croit vides les tables qu'on vient de remplir et choisit
    des plans qui lisent chaque paiement pour chaque facture : la démo les refait."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("statistiques du planificateur : PostgreSQL")
    with connection.cursor() as c:
        c.execute(
            "SELECT relname, reltuples FROM pg_class WHERE relname = ANY(%s)",
            [["espaces_reservation", "habitants_structure", "facturation_paiement"]],
        )
        lignes = dict(c.fetchall())
    # -1 : never analysed (PostgreSQL then guesses) ; the module's demo has no payment.
    assert lignes == {
        "espaces_reservation": Reservation.objects.count(),
        "habitants_structure": Structure.objects.count(),
        "facturation_paiement": 0,
    }
