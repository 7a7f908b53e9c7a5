"""The dashboard: plain HTML, CSS and ES modules in `static/` (no build step), served by
`tacitus.api.create_app` at `/` and `/static/`; vendored libraries and their licences are in
`static/vendor/` (see `tools/vendor_web.py`)."""
