"""Pages des imports et exports de listes (`/imports/`), pour l'équipe de gestion. Les listes
viennent du registre `phares.lib.echanges`, que chaque app remplit : ces pages n'importent
aucune app."""
