from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "halluxpath.patients"
    label = "patients"
    verbose_name = "Patients and episodes"
