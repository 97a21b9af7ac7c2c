"""The portfolio's moves reach the promises that name the project (``projects.signals.project_moved``)."""

from django.dispatch import receiver

from projects.models import Project
from projects.signals import project_moved

from .services.commitments import project_moved as tell_promises


@receiver(project_moved, sender=Project)
def on_project_moved(sender, *, project, actor, what, text, **kwargs):
    tell_promises(project=project, actor=actor, what=what, text=text)
