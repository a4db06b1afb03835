from django.apps import AppConfig


class HabitantsConfig(AppConfig):
    name = "habitants"
    verbose_name = "Habitants"
