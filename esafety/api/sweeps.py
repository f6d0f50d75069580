"""The API's use log is kept for API_USES_KEPT_DAYS (long enough to answer "what did that
product send last term?"), then deleted by the housekeeping sweep."""

from datetime import timedelta

from django.conf import settings

from ..models import ApiUse
from ..sweeps import sweep_job


@sweep_job("esafety.forget_old_api_uses", housekeeping=True)
def forget_old_uses(sweep):
    ApiUse.objects.filter(at__lt=sweep.now - timedelta(days=settings.API_USES_KEPT_DAYS)).delete()
