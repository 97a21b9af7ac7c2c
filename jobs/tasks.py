from celery import shared_task

from . import services


@shared_task
def run_job(job_id: int) -> None:
    services.job_run(job_id=job_id)


@shared_task
def delete_expired_exports() -> int:
    return services.delete_expired()
