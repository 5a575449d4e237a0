"""The web shell: each view reads the request, calls services, and renders a template."""
