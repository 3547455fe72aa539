"""Load benchmark: gunicorn + wrk on loopback (see README.md in this folder)."""
