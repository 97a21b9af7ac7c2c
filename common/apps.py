from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = _("Common")

    def ready(self):
        from django.core.signals import request_finished
        from django.db.backends.signals import connection_created

        from .db import end_request_timeout, install_statement_timeout
        from .request_log import end_request_id

        connection_created.connect(install_statement_timeout, dispatch_uid="common.statement_timeout")
        request_finished.connect(end_request_timeout, dispatch_uid="common.end_request_timeout")
        request_finished.connect(end_request_id, dispatch_uid="common.end_request_id")
