from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from rest_framework.views import APIView


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Django's: every page needs a login unless marked ``login_not_required``.

    REST framework views are left to the API's own authentication, which answers 401/403 instead of
    redirecting a machine client to the login page.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        view_class = getattr(view_func, "cls", None)
        if isinstance(view_class, type) and issubclass(view_class, APIView):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
