from .models import Job


def jobs_of(*, user):
    """The user's own jobs, newest first: nobody sees another person's."""
    return Job.objects.filter(owner=user)
