"""Outils des chargeurs de démonstration (`<app>/demo.py`), appelés par la commande
`manage.py demo` : un contexte partagé et une écriture idempotente, journalisée."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.management.base import OutputWrapper
from django.db import models

from phares.lib import journal
from phares.lib.acteur import Acteur

PASSWORD = "phares2015"


@dataclass
class Login:
    email: str
    nom: str
    roles: list[str] = field(default_factory=list)


@dataclass
class DemoContext:
    """Shared between loaders: what was created, keyed by natural key."""

    stdout: OutputWrapper
    verbosity: int = 1
    password: str = PASSWORD
    users: dict[str, Any] = field(default_factory=dict)  # by e-mail
    structures: dict[str, Any] = field(default_factory=dict)  # by slug
    logins: dict[str, Login] = field(default_factory=dict)  # printed at the end, by e-mail
    stats: Counter = field(default_factory=Counter)
    acteur: Acteur = field(default_factory=lambda: Acteur.systeme("demo"))

    def log(self, message: str) -> None:
        if self.verbosity >= 2:
            self.stdout.write(message)

    def add_role(self, email: str, role: str) -> None:
        user = self.users[email]
        login = self.logins.setdefault(email, Login(email=email, nom=user.get_full_name()))
        login.roles.append(role)

    def upsert(
        self,
        model: type[models.Model],
        lookup: dict,
        values: dict,
        *,
        a_la_creation: dict | None = None,
    ) -> models.Model:
        """Create or update the row found by its natural key `lookup`, writing only
        when a value differs, so that a second run touches nothing (auto_now
        timestamps included) and the summary can say what changed. Each write is
        journalled as the system's ("demo"). `a_la_creation` holds values the app may
        change afterwards (a tariff's end, once it has been replaced): set on creation only,
        so that a second run does not undo what was done in the app."""
        obj = model._default_manager.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values, **(a_la_creation or {}))
            obj.full_clean()
            obj.save()
            self.stats["created"] += 1
            champs = [*lookup, *values, *(a_la_creation or {})]
            self._journaliser("demo.creer", "création", obj, journal.creation(obj, champs))
            return obj
        changed = [name for name, value in values.items() if _differs(obj, name, value)]
        if changed:
            avant = journal.instantane(obj, changed)
            for name in changed:
                setattr(obj, name, values[name])
            obj.full_clean()
            obj.save()
            self.stats["updated"] += 1
            changements = journal.ecarts(avant, journal.instantane(obj, changed))
            self._journaliser("demo.modifier", "modification", obj, changements)
        else:
            self.stats["unchanged"] += 1
        return obj

    def _journaliser(self, operation, verbe, obj, changements) -> None:
        journal.journaliser(
            par=self.acteur,
            operation=operation,
            libelle=f"Démonstration — {verbe} : {obj._meta.verbose_name} « {obj} »",
            objet=obj,
            structure=structure_de(obj),
            changements=changements,
        )


def _differs(obj: models.Model, name: str, value) -> bool:
    model_field = obj._meta.get_field(name)
    if model_field.is_relation:
        # Compare keys: reading the related object would cost one query per field.
        return getattr(obj, model_field.attname) != (value.pk if value is not None else None)
    return getattr(obj, name) != value


def structure_de(obj: models.Model):
    """La structure qu'une donnée concerne, pour le journal : elle-même, ou son champ
    `structure` (le noyau ne connaît pas le modèle Structure : il le reconnaît)."""
    if obj._meta.label_lower == "habitants.structure":
        return obj
    if any(f.name == "structure" for f in obj._meta.get_fields()):
        return getattr(obj, "structure", None)
    return None
