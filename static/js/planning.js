/* Grille des plannings (templates/espaces/_grille.html).
 *
 * Sans ce fichier tout marche par liens et formulaires ; avec lui :
 * - glisser (souris ou stylet) sur des cases libres d'une colonne choisit le créneau et
 *   ouvre le formulaire de réservation prérempli ;
 * - glisser une de ses réservations la déplace (dans la journée de sa salle ; sur la
 *   semaine, d'un jour à l'autre aussi) ; au clavier, son bouton « Déplacer », puis les
 *   flèches, Entrée pour déposer, Échap pour renoncer.
 * Le serveur décide (le même service que « Modifier ») : un refus est dit sur place et la
 * réservation reste où elle était ; une réussite recharge la page.
 */
(function () {
  "use strict";
  var grille = document.querySelector("[data-grille]");
  if (!grille) return;
  var table = grille.querySelector("table.grille");
  if (!table) return;
  var mode = grille.getAttribute("data-mode");
  var csrf = grille.getAttribute("data-csrf");
  var annonce = document.getElementById("grille-annonce");
  var refus = document.getElementById("grille-refus");
  var lignes = Array.prototype.slice.call(table.tBodies[0].rows);
  var entetes = Array.prototype.slice.call(table.tHead.rows[0].cells, 1);
  var heures = lignes.map(function (tr) { return tr.getAttribute("data-heure"); });
  var dates = entetes.map(function (th) { return th.getAttribute("data-date"); });
  var reserver = entetes.map(function (th) { return th.getAttribute("data-reserver"); });
  var nbCol = entetes.length;

  // cases[ligne][colonne] : la cellule qui couvre ce quart d'heure (rowspan compris) ; la
  // colonne d'une cellule se déduit de celles qui descendent des lignes du dessus.
  var cases = lignes.map(function () { return new Array(nbCol); });
  lignes.forEach(function (tr, i) {
    var col = 0;
    Array.prototype.forEach.call(tr.cells, function (td) {
      if (td.tagName !== "TD") return;
      while (col < nbCol && cases[i][col]) col++;
      for (var k = 0; k < td.rowSpan && i + k < lignes.length; k++) cases[i + k][col] = td;
      td.col = col;
      td.ligne = i;
      col++;
    });
  });
  if (reserver.some(Boolean)) table.classList.add("cases-cliquables");
  // A link dragged would be dropped as a URL: the grid handles the drag itself.
  Array.prototype.forEach.call(table.querySelectorAll("a"), function (a) { a.draggable = false; });

  function plus15(h) {
    var m = Number(h.slice(0, 2)) * 60 + Number(h.slice(3, 5)) + 15;
    return ("0" + Math.floor(m / 60)).slice(-2) + ":" + ("0" + (m % 60)).slice(-2);
  }
  function libre(l, c) {
    var td = cases[l] && cases[l][c];
    return !!td && td.classList.contains("libre");
  }
  function ligneA(y) {
    for (var i = 0; i < lignes.length; i++) {
      var r = lignes[i].getBoundingClientRect();
      if (y < r.bottom) return i;
    }
    return lignes.length - 1;
  }
  function colonneA(x) {
    for (var i = 0; i < entetes.length; i++) {
      if (x < entetes[i].getBoundingClientRect().right) return i;
    }
    return entetes.length - 1;
  }
  function effacer(classe) {
    Array.prototype.forEach.call(table.querySelectorAll("." + classe), function (td) {
      td.classList.remove(classe);
    });
  }
  function dire(texte) { annonce.textContent = texte; }
  function libelleColonne(c) { return entetes[c].querySelector("a").textContent.trim(); }

  function montrerRefus(message, modifier) {
    refus.textContent = message + " ";
    if (modifier) {
      var a = document.createElement("a");
      a.href = modifier;
      a.textContent = "Modifier la réservation";
      refus.appendChild(a);
    }
    refus.classList.remove("d-none");
    refus.focus();
  }

  function deplacer(td, col, haut) {
    var corps = new URLSearchParams({ date: dates[col], heure_debut: heures[haut] });
    dire("Déplacement en cours…");
    fetch(td.getAttribute("data-deplacer"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, Accept: "application/json" },
      body: corps,
    }).then(function (reponse) {
      return reponse.json().catch(function () { return null; }).then(function (donnees) {
        if (donnees && donnees.ok) { window.location.reload(); return; }
        effacer("cible"); effacer("cible-refusee"); effacer("en-deplacement");
        montrerRefus(donnees ? donnees.message
          : "Déplacement refusé (erreur " + reponse.status + ") : la réservation n'a pas bougé.",
          donnees && donnees.modifier);
      });
    }, function () {
      effacer("cible"); effacer("en-deplacement");
      montrerRefus("Le serveur ne répond pas : la réservation n'a pas bougé.");
    });
  }

  // Où irait la réservation : ses quarts d'heure dans la colonne visée, marqués.
  function viser(td, col, haut) {
    effacer("cible"); effacer("cible-refusee");
    var n = Number(td.getAttribute("data-lignes"));
    var possible = true;
    for (var l = haut; l < haut + n; l++) {
      var ici = cases[l] && cases[l][col];
      if (!ici) { possible = false; continue; }
      if (ici !== td && !ici.classList.contains("libre")) possible = false;
    }
    for (var k = haut; k < haut + n; k++) {
      var c = cases[k] && cases[k][col];
      if (c && c !== td) c.classList.add(possible ? "cible" : "cible-refusee");
    }
    return possible;
  }

  // The booking form, pre-filled with the quarters from `haut` to `bas` of a column.
  function ouvrir(col, haut, bas) {
    window.location.href = reserver[col] + "?" + new URLSearchParams({
      date: dates[col],
      heure_debut: heures[haut],
      heure_fin: plus15(heures[bas]),
    }).toString();
  }

  // --- À la souris (ou au stylet) -------------------------------------------------
  var geste = null;
  var ignorerClic = false;

  table.addEventListener("pointerdown", function (e) {
    if (e.pointerType === "touch" || e.button !== 0) return;
    if (e.target.closest(".btn-deplacer")) return;
    var td = e.target.closest("td");
    if (!td) return;
    if (td.classList.contains("libre") && reserver[td.col]) {
      geste = { type: "choisir", td: td, col: td.col,
        depart: td.ligne, haut: td.ligne, bas: td.ligne, x: e.clientX, y: e.clientY, parti: false };
    } else if (td.hasAttribute("data-deplacer")) {
      geste = { type: "deplacer", td: td, col: td.col,
        prise: ligneA(e.clientY) - td.ligne, cible: null, x: e.clientX, y: e.clientY, parti: false };
    }
  });

  document.addEventListener("pointermove", function (e) {
    if (!geste) return;
    if (!geste.parti) {
      if (Math.abs(e.clientX - geste.x) + Math.abs(e.clientY - geste.y) < 6) return;
      geste.parti = true;
      table.classList.add("glisse");
      if (geste.type === "deplacer") geste.td.classList.add("en-deplacement");
    }
    e.preventDefault();
    var l = ligneA(e.clientY);
    if (geste.type === "choisir") {
      var haut = geste.depart, bas = geste.depart;
      while (haut > l && libre(haut - 1, geste.col)) haut--;
      while (bas < l && libre(bas + 1, geste.col)) bas++;
      geste.haut = haut; geste.bas = bas;
      effacer("selection");
      for (var k = haut; k <= bas; k++) cases[k][geste.col].classList.add("selection");
      dire("De " + heures[haut] + " à " + plus15(heures[bas]));
    } else {
      var col = mode === "jour" ? geste.col : colonneA(e.clientX);
      var n = Number(geste.td.getAttribute("data-lignes"));
      var h = Math.max(0, Math.min(lignes.length - n, l - geste.prise));
      viser(geste.td, col, h);
      geste.cible = { col: col, haut: h };
    }
  });

  document.addEventListener("pointerup", function () {
    if (!geste) return;
    var g = geste;
    geste = null;
    table.classList.remove("glisse");
    if (!g.parti) {
      // A plain click: a link does its job; another free cell opens the form at its time,
      // for an hour at most, within its free time.
      if (g.type === "choisir" && !g.td.querySelector(".case-lien")) {
        var fin = g.haut;
        while (fin < g.haut + 3 && libre(fin + 1, g.col)) fin++;
        ouvrir(g.col, g.haut, fin);
      }
      return;
    }
    ignorerClic = true;
    window.setTimeout(function () { ignorerClic = false; }, 0);
    if (g.type === "choisir") {
      ouvrir(g.col, g.haut, g.bas);
      return;
    }
    if (!g.cible || (g.cible.col === g.col && g.cible.haut === g.td.ligne)) {
      effacer("cible"); effacer("cible-refusee"); g.td.classList.remove("en-deplacement");
      return;
    }
    deplacer(g.td, g.cible.col, g.cible.haut);
  });

  table.addEventListener("click", function (e) {
    if (ignorerClic) { e.preventDefault(); e.stopPropagation(); }
  }, true);

  // --- Au clavier ------------------------------------------------------------------
  Array.prototype.forEach.call(table.querySelectorAll("td[data-deplacer]"), function (td) {
    var bouton = document.createElement("button");
    bouton.type = "button";
    bouton.className = "btn btn-outline-dark btn-sm btn-deplacer";
    bouton.setAttribute("aria-describedby", "aide-grille");
    bouton.textContent = "Déplacer";
    var cache = document.createElement("span");
    cache.className = "visually-hidden";
    cache.textContent = " « " + td.getAttribute("data-titre") + " »";
    bouton.appendChild(cache);
    td.appendChild(bouton);
    var cible = null;
    var n = Number(td.getAttribute("data-lignes"));

    function annoncer() {
      var ok = viser(td, cible.col, cible.haut);
      dire("Nouveau début : " + libelleColonne(cible.col) + " à " + heures[cible.haut] +
        (ok ? "" : " (pas libre)") + ". Entrée pour déposer, Échap pour renoncer.");
    }
    function finir() {
      cible = null;
      bouton.setAttribute("aria-pressed", "false");
      effacer("cible"); effacer("cible-refusee"); td.classList.remove("en-deplacement");
    }
    bouton.setAttribute("aria-pressed", "false");
    bouton.addEventListener("click", function () {
      if (cible) { finir(); dire("Déplacement abandonné."); return; }
      cible = { col: td.col, haut: td.ligne };
      bouton.setAttribute("aria-pressed", "true");
      td.classList.add("en-deplacement");
      annoncer();
    });
    bouton.addEventListener("blur", function () { if (cible) finir(); });
    bouton.addEventListener("keydown", function (e) {
      if (!cible) return;
      var touche = e.key;
      if (touche === "ArrowUp" && cible.haut > 0) cible.haut--;
      else if (touche === "ArrowDown" && cible.haut < lignes.length - n) cible.haut++;
      else if (touche === "ArrowLeft" && mode !== "jour" && cible.col > 0) cible.col--;
      else if (touche === "ArrowRight" && mode !== "jour" && cible.col < nbCol - 1) cible.col++;
      else if (touche === "Enter") {
        e.preventDefault();
        var c = cible;
        if (c.col === td.col && c.haut === td.ligne) {
          finir(); dire("La réservation n'a pas bougé."); return;
        }
        deplacer(td, c.col, c.haut);
        return;
      } else if (touche === "Escape") { e.preventDefault(); finir(); dire("Déplacement abandonné."); return; }
      else if (touche.indexOf("Arrow") !== 0) return;
      e.preventDefault();
      annoncer();
    });
  });
})();
