"""Les jetons des flux iCalendar."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class JetonCalendrier(models.Model):
    """Secret des flux iCalendar d'une personne (l'URL vaut identification). Stocké haché ;
    révocable ; un seul jeton actif par personne."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jetons_calendrier"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    cree_le = models.DateTimeField(default=timezone.now)
    revoque_le = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "jeton de calendrier"
        verbose_name_plural = "jetons de calendrier"
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoque_le__isnull=True),
                name="jeton_calendrier_un_actif",
            ),
        ]

    def __str__(self):
        return f"Calendrier de {self.user}"
