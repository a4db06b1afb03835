"""Le corps du tableau de la grille, écrit ici plutôt que dans un gabarit : une journée de 30
salles fait 1 440 cases, et le moteur de gabarits y passait 400 ms (bench/grille.py) là où
ces chaînes prennent quelques millisecondes. Ce qui varie d'une case à l'autre est échappé.

Seule la première case d'un temps libre porte un lien (« Réserver Salle A le mar. 10 mars
2026 à partir de 10:00 », nom composé par `aria-labelledby` des en-têtes de sa colonne et
de sa ligne, écrits une fois) : sans JavaScript on réserve par lui puis on ajuste l'heure
dans le formulaire, au clavier on passe d'un temps libre au suivant (et non de quart d'heure
en quart d'heure, 1 440 arrêts pour 30 salles) ; avec JavaScript, un clic sur n'importe
quelle case libre ouvre le formulaire à son heure. La page reste légère (une case libre
sans lien : une vingtaine d'octets)."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from phares.lib import dates, liens, temps

from ..selectors import grille as grilles


def _prise(case: grilles.Case, voir_tout: bool) -> str:
    r = case.reservation
    classes = "prise" + (" lisible" if case.lisible else "")
    attributs = f'data-lignes="{case.lignes}"'
    if case.deplacer_url:
        classes += " deplacable"
        attributs += f' data-deplacer="{escape(case.deplacer_url)}" data-titre="{escape(r.titre)}"'
    horaire = f"{temps.paris(r.debut):%H:%M}–{temps.paris(r.fin):%H:%M}"
    if case.lisible:
        quoi = f'<a href="{escape(case.detail_url)}">{escape(r.titre)}</a>'
        if voir_tout:
            qui = f"{r.structure.nom}" if r.structure else f"{r.externe.nom} (extérieur)"
            quoi += f'<span class="qui"> · {escape(qui)}</span>'
    else:
        quoi = "occupé"
    return (
        f'<td rowspan="{case.lignes}" class="{classes}" {attributs}>'
        f'<span class="horaire">{horaire}</span> {quoi}</td>'
    )


def contenu_bloc_pris(bloc, detail_url: str, *, voir_tout: bool, miennes: set[int]) -> SafeString:
    """Un bloc occupé des listes de la vue jour et de la vue semaine (espaces/_bloc.html)."""
    r = bloc.reservation
    if voir_tout or r.structure_id in miennes:
        quoi = f'<a href="{escape(detail_url)}">{escape(r.titre)}</a>'
        if voir_tout:
            qui = r.structure.nom if r.structure else f"{r.externe.nom} (extérieur)"
            quoi += f" · {escape(qui)}"
    else:
        quoi = "occupé"
    return mark_safe(
        f'<li class="bloc bloc-pris"><span class="horaire">{escape(bloc.horaire)}</span>\n'
        f"    {quoi}\n  </li>"
    )


def contenu_bloc_libre(bloc, *, nom: str, reserver_url: str, peut_reserver: bool) -> SafeString:
    """Un temps libre des listes (ce qu'écrivait espaces/_bloc.html, inclus une fois par
    bloc) : un lien « Réserver » à son heure, nommé par la salle et le jour."""
    lien = ""
    if peut_reserver and reserver_url and bloc.fin_suggeree:
        debut = temps.paris(bloc.debut)
        heure, jour = f"{debut:%H:%M}", debut.date()
        lien = (
            f'<span class="no-print"> — <a href="{escape(reserver_url)}?date={jour.isoformat()}'
            f"&amp;heure_debut={heure}&amp;heure_fin={temps.paris(bloc.fin_suggeree):%H:%M}"
            f'">Réserver<span class="visually-hidden"> {escape(nom)} le '
            f"{escape(dates.date_courte(jour, jour=True))} à partir de {heure}</span></a></span>"
        )
    return mark_safe(
        f'<li class="bloc bloc-libre"><span class="horaire">{escape(bloc.horaire)}</span>'
        f" libre{lien}</li>"
    )


def contenu_demandes(demandes, detail: str) -> SafeString:
    """Les demandes extérieures en attente d'un jour (équipe seulement) : elles ne tiennent
    pas le créneau, la salle peut être réservée par-dessus. `detail` : liens.modele de la
    fiche d'une réservation."""
    html = ["\n"]
    for d in demandes:
        html.append(
            '\n  <li class="bloc border-warning bg-warning-subtle"><span class="horaire">'
            f"{temps.paris(d.debut):%H:%M}–{temps.paris(d.fin):%H:%M}</span> demande en attente : "
            f'<a href="{escape(liens.pour(detail, d.pk))}">{escape(d.titre)}</a> · '
            f"{escape(d.externe.nom)} (extérieur)</li>\n"
        )
    html.append("\n")
    return mark_safe("".join(html))


def entetes(grille: grilles.Grille, *, mode: str, peut_reserver: bool, jour_url: str) -> SafeString:
    """Les en-têtes des colonnes de la grille (une par salle en vue jour, par jour en vue
    semaine) : le nom de chaque case libre (« Réserver Salle A le … à partir de ») et le lien
    vers l'autre vue. `jour_url` : l'adresse de la vue jour (vue semaine)."""
    html = []
    for n, c in enumerate(grille.colonnes):
        r = c.ressource
        attributs = f' data-date="{c.date}"'
        if peut_reserver:
            attributs += f' data-reserver="{escape(c.reserver_url)}"'
        if c.fermee:
            attributs += ' class="fermee"'
        if mode == "jour":
            details = escape(r.espace.etage.nom) if r.espace_id else ""
            if r.capacite:
                details += f" · {r.capacite} pers."
            lien = (
                f'<a href="{escape(c.semaine_url)}?semaine={c.date}">{escape(r.nom)}</a>\n'
                f'          <span class="d-block small fw-normal">{details}</span>\n          '
            )
        else:
            lien = f'<a href="{escape(jour_url)}?date={c.date}">{escape(c.jour_court)}</a>'
        ferme = '<span class="d-block small fw-normal">fermée</span>' if c.fermee else ""
        html.append(
            f'\n        <th scope="col"{attributs}>\n'
            f'          <span id="gc{n}" hidden>Réserver {escape(r.nom)} le '
            f"{escape(c.jour_court)} à partir de</span>\n"
            f"          {lien}\n          {ferme}\n        </th>\n        "
        )
    return mark_safe("".join(html))


def corps(grille: grilles.Grille, *, peut_reserver: bool, voir_tout: bool) -> SafeString:
    liens = [
        f"{escape(c.reserver_url)}?date={c.jour.isoformat()}&amp;heure_debut="
        for c in grille.colonnes
    ]
    html = []
    for n, ligne in enumerate(grille.lignes):
        h = f"{ligne.heure:%H:%M}"
        classes = ("heure-pleine" if ligne.pleine else "") + (
            " maintenant" if ligne.maintenant else ""
        )
        cache = "" if ligne.pleine else ' class="visually-hidden"'
        libelle = f'<span id="gr{n}"{cache}>{h}</span>'
        if ligne.maintenant:
            libelle += '<span class="maintenant-libelle"> maintenant</span>'
        html.append(f'<tr class="{classes.strip()}" data-heure="{h}">')
        html.append(f'<th scope="row" class="heure">{libelle}</th>')
        for i, (_, case) in enumerate(ligne.cases):
            if case is None:
                continue
            etat = case.etat
            if etat == grilles.LIBRE:
                if peut_reserver and case.premiere and case.fin_suggeree:
                    fin = f"{temps.paris(case.fin_suggeree):%H:%M}"
                    html.append(
                        f'<td class="libre"><a class="case-lien" '
                        f'href="{liens[i]}{h}&amp;heure_fin={fin}" '
                        f'aria-labelledby="gc{i} gr{n}"></a></td>'
                    )
                else:
                    html.append('<td class="libre"></td>')
            elif etat == grilles.PRISE:
                html.append(_prise(case, voir_tout))
            elif etat == grilles.BATTEMENT:
                html.append(
                    f'<td rowspan="{case.lignes}" class="battement">'
                    '<span class="battement-libelle">battement</span></td>'
                )
            elif etat == grilles.FERME:
                html.append('<td class="ferme"><span class="visually-hidden">fermé</span></td>')
            else:
                html.append('<td class="passe"></td>')
        html.append("</tr>")
    return mark_safe("".join(html))
