// Anti-robot proof of work for the public request form (phares/lib/defis.py): find the
// number `preuve` such that SHA-256(defi + preuve) starts with `data-bits` zero bits, and
// put it in the hidden field before the form leaves. Solving starts when the page loads,
// so it is usually done before the person has finished typing.
// Without SubtleCrypto (old browser, plain http outside localhost) nothing happens: the
// form goes without proof and the server applies its stricter limit (docs/decisions.md).
(function () {
  "use strict";
  var champ = document.querySelector("input[name=defi][data-bits]");
  if (!champ || !window.crypto || !window.crypto.subtle || !window.TextEncoder) return;
  var form = champ.form;
  var preuve = form.elements.namedItem("preuve");
  var etat = document.getElementById("defi-etat");
  var bits = parseInt(champ.getAttribute("data-bits"), 10);
  var charge = Date.now();
  var AGE_MIN = 2500; // ms: the server refuses a challenge younger than 2 s
  var LOT = 128; // digests in flight at once: one await per batch, not per hash
  var encodeur = new TextEncoder();

  function zeros(octets) {
    var n = 0;
    for (var i = 0; i < octets.length; i++) {
      if (octets[i] === 0) { n += 8; continue; }
      var b = octets[i];
      while ((b & 0x80) === 0) { n += 1; b <<= 1; }
      return n;
    }
    return n;
  }

  function resoudre(defi) {
    var depart = 0;
    function lot() {
      var promesses = [];
      for (var i = 0; i < LOT; i++) {
        promesses.push(crypto.subtle.digest("SHA-256", encodeur.encode(defi + (depart + i))));
      }
      return Promise.all(promesses).then(function (empreintes) {
        for (var i = 0; i < empreintes.length; i++) {
          if (zeros(new Uint8Array(empreintes[i])) >= bits) return String(depart + i);
        }
        depart += LOT;
        return lot();
      });
    }
    return lot();
  }

  var solution = resoudre(champ.value).then(function (n) {
    preuve.value = n;
    return n;
  });
  var parti = false; // the form has left with this challenge
  var enAttente = false;

  form.addEventListener("submit", function (event) {
    var bouton = event.submitter;
    // « Voir les disponibilités » sends nothing: no proof needed.
    if (bouton && bouton.name === "voir") return;
    if (parti) { event.preventDefault(); return; } // a double click sends it once
    var attente = AGE_MIN - (Date.now() - charge);
    if (preuve.value && attente <= 0) { parti = true; return; }
    event.preventDefault();
    if (enAttente) return;
    enAttente = true;
    if (etat) etat.textContent = "Vérification anti-robot en cours…";
    solution.then(function () {
      setTimeout(function () {
        enAttente = false;
        if (etat) etat.textContent = "";
        if (form.requestSubmit) form.requestSubmit(bouton || undefined);
        else { parti = true; form.submit(); }
      }, Math.max(0, attente));
    });
  });

  // Back to this page from the history: let it be sent again (the server then says the
  // challenge was used, and gives a fresh one).
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) parti = false;
  });
})();
