"""The schema's browsable documentation: Swagger UI from the service's own static files, with no inline script or
style, so the content security policy stays as strict as the pages'."""

from drf_spectacular.views import SpectacularSwaggerSplitView


class DocsView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
    url_name = "api:schema"
