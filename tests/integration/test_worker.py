import pytest
from django_celery_results.models import TaskResult

from leo_access.tasks import ping

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_task_sent_through_redis_is_run_by_the_worker_and_its_result_stored(celery_worker):
    value = "through-redis"
    result = ping.delay(value)

    assert result.get(timeout=30) == f"pong: {value}"
    stored = TaskResult.objects.get(task_id=result.id)
    assert stored.status == "SUCCESS"
    assert stored.task_name == "leo_access.tasks.ping"
    assert value in stored.result
    assert stored.worker == celery_worker
