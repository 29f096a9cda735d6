from celery import shared_task


@shared_task(
    name="applications.tasks.validate_variable_request_form",
    time_limit=180,
    soft_time_limit=150,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=3,
)
def validate_variable_request_form(form_id: int) -> str:
    """Check an uploaded form; the result is stored on the upload. Running it twice changes nothing."""
    from .validation import validate_form

    return validate_form(form_id).validation_status
